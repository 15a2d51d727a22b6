/**
 * The Lifecycle page's Issue form (lifecycle.svelte.ts): the templates that apply to the card, the one
 * chosen, the operator's re-authentication (the "operator passcode") and the Entra user the card is to be
 * bound to. It holds choices only; the issuance itself runs in {@link LifecycleState.issue}.
 */
import { AppError, isAppError, toAppError } from '../app-error';
import { issuingTemplates, type CardStatus, type CardTemplateRecord } from '../workflows/lifecycle/inspect';
import type { LifecyclePorts } from '../workflows/lifecycle/types';
import type { DirectoryUser, SignedInAccount } from '../workflows/helpdesk';
import type { SessionState } from './session.svelte';
import { UserSearchState } from './user-search.svelte';

/** Reactive Issue form; one for the Lifecycle page. */
export class IssueFormState {
  templates = $state.raw<readonly CardTemplateRecord[]>([]);
  templateId = $state<string | null>(null);
  /** The operator who re-authenticated for this issuance (the "operator passcode"). */
  reauthenticated = $state.raw<SignedInAccount | null>(null);
  /** True while the sign-in window of the re-authentication is open. */
  reauthenticating = $state(false);
  /** Step 3: the Entra user the card is bound to. */
  readonly search: UserSearchState;
  user = $state.raw<DirectoryUser | null>(null);

  template = $derived(this.templates.find((t) => t.id === this.templateId) ?? null);

  constructor(private readonly session: SessionState) {
    this.search = new UserSearchState(session);
  }

  /** Offers the published templates that apply to a card of `kind`, the first one chosen. */
  async load(kind: CardStatus['kind'], templates: LifecyclePorts['templates']): Promise<void> {
    this.templates = (await issuingTemplates(kind, templates)).map((t) => t.record);
    this.templateId = this.templates[0]?.id ?? null;
  }

  /**
   * Step 2: the operator enters their credentials again.
   *
   * @throws AppError('state', 'REAUTH_CANCELLED') for a cancelled sign-in (the issuance stops here),
   *   AppError('state', 'REAUTH_OTHER_ACCOUNT') when another account signed in.
   */
  async reauthenticate(): Promise<void> {
    const op = this.session.operator;
    if (!op) throw new AppError('entra', 'NOT_SIGNED_IN', 'Sign in first.');
    this.reauthenticating = true;
    try {
      const account = await op.reauthenticate();
      const expected = this.session.profile?.account.objectId;
      if (expected && account.objectId !== expected)
        throw new AppError('state', 'REAUTH_OTHER_ACCOUNT', 'Another account re-authenticated.', {
          expected,
          got: account.username,
        });
      this.reauthenticated = account;
    } catch (e) {
      throw isAppError(e, 'entra', 'SIGN_IN_CANCELLED')
        ? new AppError('state', 'REAUTH_CANCELLED', 'Re-authentication was cancelled.')
        : toAppError(e);
    } finally {
      this.reauthenticating = false;
    }
  }

  /** Forgets the re-authentication and the chosen user (the form closed). */
  clear(): void {
    this.reauthenticated = null;
    this.user = null;
    this.search.clear();
  }

  /** Forgets the templates too (the operator left the page). */
  reset(): void {
    this.clear();
    this.templates = [];
    this.templateId = null;
  }
}
