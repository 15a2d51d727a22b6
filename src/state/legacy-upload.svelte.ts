/**
 * After an administrator signs in: whether this browser still holds the registry and templates an older
 * Keyward kept here, and the result of uploading them to the relay once (imported, published, conflicts
 * with what the service holds). Others never see it: only an administrator may upload.
 */
import { toAppError, type AppError } from '../app-error';
import { legacyHoldings, uploadLegacyData, type LegacyUploadResult } from '../workflows/legacy-upload';
import type { RelayEndpoint, RelayTemplateStore } from '../workflows/template-store';

export type { LegacyUploadResult };
export type { TemplateConflict } from '../workflows/template-upload';

/** Reactive state of the legacy-upload notice; one instance for the app. */
export class LegacyUploadState {
  /** What is waiting to be uploaded (counts), or null when nothing is (or the caller may not upload). */
  pending = $state.raw<{ readonly cards: number; readonly templates: number } | null>(null);
  result = $state.raw<LegacyUploadResult | null>(null);
  busy = $state(false);
  failure = $state.raw<AppError | null>(null);

  /**
   * `relay` is the signed-in caller's endpoint (null when signed out); `isAdministrator` says whether they
   * may upload (the relay checks it again).
   */
  constructor(
    private readonly relay: () => RelayEndpoint | null,
    private readonly templates: RelayTemplateStore,
    private readonly isAdministrator: () => boolean,
  ) {}

  /** Looks for anything left to upload (on each sign-in). */
  async check(): Promise<void> {
    this.pending = null;
    if (!this.relay() || !this.isAdministrator()) return;
    try {
      const held = await legacyHoldings();
      this.pending = held && { cards: held.cards.length, templates: held.templates.length };
    } catch (e) {
      this.failure = toAppError(e);
    }
  }

  /** Uploads what is pending; on failure nothing is remembered, so it can be tried again. */
  async upload(): Promise<void> {
    const relay = this.relay();
    if (!relay || this.busy) return;
    this.busy = true;
    this.failure = null;
    try {
      this.result = await uploadLegacyData(relay, this.templates);
      this.pending = null;
    } catch (e) {
      this.failure = toAppError(e);
    } finally {
      this.busy = false;
    }
  }

  /** Hides the result once the administrator has read it. */
  dismiss(): void {
    this.result = null;
  }
}
