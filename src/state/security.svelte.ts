/**
 * Options > Security as the UI sees it: the card master key the relay holds and, from an older Keyward,
 * one this browser may still hold (fingerprints only), the one-time migration of such a key into the
 * relay, and configuration backup. Passphrases pass straight through to the workflows and are never kept here.
 * Also the shell's "updated in another tab" flag, which the storage adapter raises.
 */
import { AppError, toAppError } from '../app-error';
import { exportConfiguration, importConfiguration, type ImportSummary } from '../workflows/config-transfer';
import type { RelayTemplateStore } from '../workflows/template-store';
import {
  importKeyFileIntoRelay,
  moveMasterKeyToRelay,
  relayMasterKeyStatus,
  type RelayEndpoint,
  type RelayMasterKeyStatus,
} from '../workflows/relay-master-key';
import {
  exportMasterKeyFile,
  forgetMasterKey,
  formatFingerprint,
  masterKeyStatus,
  type MasterKeyStatus,
} from '../workflows/master-key';

/** What the screens need from the layers below, re-exported so ui/ reads only state/. */
export { formatFingerprint } from '../workflows/master-key';

/** A file for the UI to offer as a download. */
export interface DownloadFile {
  readonly fileName: string;
  readonly text: string;
}

/** Reactive Security page state; one instance for the app. */
export class SecurityState {
  /** The master key an older Keyward kept in this browser, or null (the usual case). */
  key = $state.raw<MasterKeyStatus | null>(null);
  loaded = $state(false);
  busy = $state(false);
  failure = $state.raw<AppError | null>(null);
  message = $state('');
  /** The relay's card master key (administrators see it). */
  relayKey = $state.raw<RelayMasterKeyStatus | null>(null);
  /** What the last configuration import published, left as it was, or could not publish. */
  imported = $state.raw<ImportSummary | null>(null);

  /**
   * @param templates the published templates a backup exports and an import publishes to.
   * @param onConfigurationReplaced called after an import so other screens re-read their lists.
   * @param relay the signed-in caller's relay endpoint (null when nobody is signed in).
   * @param isAdministrator whether the signed-in caller administers Keyward.
   */
  constructor(
    private readonly templates: RelayTemplateStore,
    private readonly onConfigurationReplaced: () => void = () => undefined,
    private readonly relay: () => RelayEndpoint | null = () => null,
    private readonly isAdministrator: () => boolean = () => false,
  ) {}

  /** Whether the caller may see and migrate card master keys (the relay refuses everyone else anyway). */
  get mayAdminister(): boolean {
    return this.isAdministrator();
  }

  /** Whether the one-time migration of this browser's key into the relay is offered (administrators). */
  get mayMoveKeyToRelay(): boolean {
    return this.isAdministrator() && this.key !== null;
  }

  /** Whether the relay holds this browser's key, so it may be removed from here. */
  get keyIsInRelay(): boolean {
    return this.key !== null && this.key.fingerprint === this.relayKey?.fingerprint;
  }

  /**
   * The administrator's one-time migration: imports this browser's key file into the relay, so holders
   * can unblock their PIN on the self-service page for cards issued with it.
   */
  async moveKeyToRelay(passphrase: string): Promise<boolean> {
    return this.#run(async () => {
      const relay = this.relay();
      if (!relay) throw new AppError('entra', 'NOT_SIGNED_IN', 'Sign in first.');
      const { status, replaced } = await moveMasterKeyToRelay(relay, passphrase);
      this.relayKey = status;
      this.message = replaced
        ? `The relay now holds this card master key (fingerprint ${formatFingerprint(status.fingerprint)}).`
        : 'The relay already held this card master key; nothing was changed.';
    });
  }

  /**
   * The administrator's one-time migration of a key file an older Keyward exported: into the relay, which
   * then derives the secrets of the cards issued with it. A wrong passphrase changes nothing.
   */
  async importKeyFile(fileText: string, passphrase: string): Promise<boolean> {
    return this.#run(async () => {
      const relay = this.relay();
      if (!relay) throw new AppError('entra', 'NOT_SIGNED_IN', 'Sign in first.');
      const { status, replaced } = await importKeyFileIntoRelay(relay, fileText, passphrase);
      this.relayKey = status;
      this.message = replaced
        ? `The relay now holds the key of this file (fingerprint ${formatFingerprint(status.fingerprint)}).`
        : 'The relay already held the key of this file; nothing was changed.';
    });
  }

  /** Removes this browser's key once the relay holds it. */
  async forgetBrowserKey(): Promise<boolean> {
    return this.#run(async () => {
      await forgetMasterKey(this.relayKey?.fingerprint);
      this.key = null;
      this.message = 'This browser no longer holds a card master key; the relay does.';
    });
  }

  /** Reads the key this browser may hold and, for administrators, the relay's. */
  async load(): Promise<void> {
    await this.#run(async () => {
      this.key = await masterKeyStatus();
      const relay = this.relay();
      if (relay && this.isAdministrator()) this.relayKey = await relayMasterKeyStatus(relay);
    });
    this.loaded = true;
  }

  /** The protected key file, or null when there is none (then `failure` says why). */
  async exportKey(): Promise<DownloadFile | null> {
    let file: DownloadFile | null = null;
    await this.#run(async () => {
      file = await exportMasterKeyFile();
    });
    return file;
  }

  /** The configuration backup. */
  async exportConfiguration(): Promise<DownloadFile | null> {
    let file: DownloadFile | null = null;
    await this.#run(async () => {
      file = await exportConfiguration(this.templates);
    });
    return file;
  }

  /** Checks and imports a configuration backup; nothing changes when it has any problem. */
  async importConfiguration(text: string): Promise<boolean> {
    return this.#run(async () => {
      this.imported = null;
      const n = await importConfiguration(text, this.templates);
      this.imported = n;
      this.message = `Imported ${n.connections} connection settings (reload for them to take effect). Published ${n.published.length} templates; ${n.unchanged.length} were already published as they are; ${n.conflicts.length} could not be published.${n.unresolvedEmails.length ? ` ${n.unresolvedEmails.length} card template references name an email template that is not published.` : ''}`;
      this.onConfigurationReplaced();
    });
  }

  async #run(work: () => Promise<void>): Promise<boolean> {
    this.busy = true;
    this.failure = null;
    this.message = '';
    try {
      await work();
      return true;
    } catch (e) {
      this.failure = toAppError(e);
      return false;
    } finally {
      this.busy = false;
    }
  }
}

/** Raised when a newer Keyward in another tab upgraded the database; this tab must reload. */
export class StaleTabState {
  stale = $state(false);

  /** Called by the storage adapter (`openKeywardDb(onStale)`). */
  markStale(): void {
    this.stale = true;
  }
}
