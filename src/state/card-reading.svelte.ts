/**
 * The Lifecycle page's reading of the card in the open reader (lifecycle.svelte.ts): its state, kind and
 * record as the service holds it, the name of the template it was issued under, and why it could not be
 * read. A read whose card was replaced meanwhile (the reader chosen again) never shows over the new one.
 */
import { AppError, toAppError } from '../app-error';
import { inspectCard, type CardStatus } from '../workflows/lifecycle/inspect';
import type { LifecyclePorts } from '../workflows/lifecycle/types';
import { exclusively } from './lifecycle-operations';
import { allowedTransitions, type Transition } from './lifecycle-page';
import type { ReaderState } from './readers.svelte';

/** Reactive reading of the card in the reader; one for the Lifecycle page. */
export class CardReadingState {
  status = $state.raw<CardStatus | null>(null);
  inspecting = $state(false);
  /** Why the card in the reader could not be read (kept apart from the page's `error`, which an operation owns). */
  readError = $state.raw<AppError | null>(null);
  /** The name of the template the card was issued under, as published now (null when unknown). */
  templateName = $state<string | null>(null);
  /** Whether the Lifecycle page is on screen: the card is read only then, and again whenever it changes. */
  shown = false;

  holder = $derived(this.status?.record?.holder.name || this.status?.record?.holder.upn || null);
  /** "template “Staff YubiKey” version 2", for a card the service holds as issued under one. */
  issuedUnder = $derived.by(() => {
    const t = this.status?.record?.template;
    if (!t?.id || !this.holder) return null;
    return `template “${this.templateName ?? t.id}” version ${t.version}`;
  });

  /**
   * `ports` is the system of record as the signed-in operator reaches it (throws before sign-in); `busy`
   * is true while an operation runs on the card.
   */
  constructor(
    private readonly readers: ReaderState,
    private readonly ports: () => LifecyclePorts,
    private readonly busy: () => boolean,
  ) {
    readers.onCardChange(() => {
      if (this.shown) void this.read();
    });
  }

  /** Reads the state of the card in the reader (skipped while an operation runs on it); nothing without a card. */
  async read(): Promise<void> {
    if (this.busy()) return;
    const transport = this.readers.card?.transport;
    this.forget();
    if (!transport) return;
    this.inspecting = true;
    try {
      const ports = this.ports();
      const status = await exclusively(transport, () => inspectCard(transport, ports));
      if (this.readers.card?.transport === transport) this.status = status;
      const templateId = status.record?.template.id;
      if (templateId && this.readers.card?.transport === transport)
        this.templateName = (await ports.templates.cardTemplate(templateId).catch(() => null))?.record.name ?? null;
    } catch (e) {
      // A read of a card that has since been replaced (the reader chosen again) must not mask the new one.
      if (this.readers.card?.transport === transport) this.readError = toAppError(e);
    } finally {
      if (this.readers.card?.transport === transport || !this.readers.card) this.inspecting = false;
    }
  }

  /**
   * Why `transition` no longer applies to the card as last read (its PIN blocked by another program, say,
   * so the card is Locked now); null when it does.
   */
  refusal(transition: Transition): AppError | null {
    const state = this.status?.state;
    if (state && allowedTransitions(state).includes(transition)) return null;
    return (
      this.readError ??
      new AppError('state', 'CARD_CHANGED', `The card read again is ${state ?? 'unknown'}`, {
        state: state ?? null,
        transition,
      })
    );
  }

  /** Forgets what was read (the page was left, or a new read starts). */
  forget(): void {
    this.status = null;
    this.readError = null;
    this.templateName = null;
  }
}
