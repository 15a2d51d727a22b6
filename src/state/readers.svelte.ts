/**
 * The reader picker and card panel state: which readers exist, which one is open, whether a card is in
 * it, and the card's ATR. Opening a reader claims it; a card is powered as soon as it is present.
 * Every reader comes from a `ReaderBackend` (WebUSB or Web Smart Card, the local PC/SC bridge, the demo's
 * virtual reader) and is handled the same way, so neither this state nor the pages above ask which.
 */
import { AppError, toAppError } from '../app-error';
import {
  createReaderBackends,
  PcscBridgeReaderBackend,
  readCard,
  type CardInfo,
  type OpenReader,
  type ReaderBackend,
  type ReaderBackendKind,
  type ReaderInfo,
} from '../workflows/readers';
import { BridgeReaderState } from './bridge-readers.svelte';
import { runGuarded } from './guarded';

/** How the app starts the reader state. */
export interface ReaderStartOptions {
  /** Builds the demo's virtual reader. */
  readonly demo: boolean;
  /** The local PC/SC bridge's port when the deployment names one (default 35990). */
  readonly pcscBridgePort?: number;
  /** The serial of the demo virtual reader's first card (the demo page's `?demo-card-serial=`). */
  readonly demoCardSerial?: number;
}

/** A backend that can ask the person for a reader, as the picker offers it. */
export interface ReaderRequest {
  readonly kind: ReaderBackendKind;
  readonly title: string;
}

/** Reactive reader state; one instance for the app. */
export class ReaderState {
  choices = $state.raw<readonly ReaderInfo[]>([]);
  /** The backends that can ask for a reader ("Add a USB reader…"). */
  requests = $state.raw<readonly ReaderRequest[]>([]);
  selectedId = $state<string | null>(null);
  /** The open reader. */
  reader = $state.raw<OpenReader | null>(null);
  present = $state<boolean | null>(null);
  /** The card in the open reader, powered; null when there is none. */
  get card(): CardInfo | null {
    return this.#card;
  }
  busy = $state(false);
  error = $state.raw<AppError | null>(null);
  readonly bridge: BridgeReaderState;
  #backends: ReaderBackend[] = [];
  readonly #lists = new WeakMap<ReaderBackend, readonly ReaderInfo[]>();
  #card = $state.raw<CardInfo | null>(null);
  #cardListeners: (() => void)[] = [];
  #stopPresence: (() => void) | null = null;
  #started = false;

  constructor() {
    const bridgeBackend = new PcscBridgeReaderBackend();
    this.bridge = new BridgeReaderState(bridgeBackend);
    this.#backends = [bridgeBackend];
  }

  /** Builds the backends (the demo's virtual reader when `demo`), lists their readers and follows them. */
  async start({ demo, pcscBridgePort, demoCardSerial }: ReaderStartOptions): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    if (pcscBridgePort) this.bridge.url = `ws://127.0.0.1:${pcscBridgePort}`;
    this.#backends = await createReaderBackends(this.bridge.backend, { demo, demoCardSerial });
    this.requests = this.#backends.flatMap((b) => (b.request ? [{ kind: b.kind, title: b.title }] : []));
    for (const backend of this.#backends) backend.watch((readers) => this.#listed(backend, readers));
    await this.refresh();
    await this.bridge.resume();
  }

  /** Re-reads every backend's readers. It leaves `busy` and `error` alone: a plug event or the start-up
   * listing must not hide the outcome of what the operator just did. */
  async refresh(): Promise<void> {
    // Side by side: a backend slow to answer does not hold back the others' readers.
    await Promise.all(
      this.#backends.map(async (backend) => {
        try {
          this.#listed(backend, await backend.listReaders());
        } catch (e) {
          this.error = toAppError(e);
        }
      }),
    );
  }

  /** Asks the person for a reader through backend `kind` (Chrome's chooser), then opens it. */
  async request(kind: ReaderBackendKind): Promise<void> {
    const backend = this.#backends.find((b) => b.kind === kind && b.request);
    if (!backend?.request) return;
    await this.#run(async () => {
      const info = await backend.request!();
      const known = this.#lists.get(backend) ?? [];
      if (!known.some((r) => r.id === info.id)) this.#listed(backend, [...known, info]);
      await this.#open(backend, info);
    });
  }

  /** Opens the reader with `id`. */
  async select(id: string): Promise<void> {
    const info = this.choices.find((r) => r.id === id);
    const backend = info && this.#backends.find((b) => b.kind === info.backend);
    if (info && backend) await this.#run(() => this.#open(backend, info));
  }

  /** Closes the bridge (the readers opened through it vanish with it) and stops reconnecting to it at start. */
  disconnectBridge(): void {
    this.bridge.disconnect();
  }

  /** Calls `listener` whenever the card in the open reader changes (put in, taken out, another reader). */
  onCardChange(listener: () => void): void {
    this.#cardListeners.push(listener);
  }

  /** Demo only: a fresh blank card into the open reader, where a person can put one in by hand. */
  async insertCard(): Promise<void> {
    await this.reader?.handCard?.insertBlankCard();
  }

  /** Demo only: pull the card from the open reader. */
  removeCard(): void {
    this.reader?.handCard?.removeCard();
  }

  #listed(backend: ReaderBackend, readers: readonly ReaderInfo[]): void {
    this.#lists.set(backend, readers);
    this.choices = this.#backends.flatMap((b) => this.#lists.get(b) ?? []);
    // A reader that vanished (unplugged, or its bridge went away) is closed, holding no card.
    if (this.selectedId && !this.choices.some((c) => c.id === this.selectedId)) {
      this.selectedId = null;
      void this.#close();
    }
  }

  async #open(backend: ReaderBackend, info: ReaderInfo): Promise<void> {
    await this.#close();
    this.selectedId = info.id;
    const reader = await backend.open(info.id);
    this.reader = reader;
    this.#stopPresence = reader.onPresence((present) => void this.#presenceChanged(present));
    await this.#presenceChanged(reader.present() === true);
  }

  async #presenceChanged(present: boolean): Promise<void> {
    this.present = present;
    const previous = this.card;
    this.#setCard(null);
    await previous?.transport.close().catch(() => undefined);
    const reader = this.reader;
    if (present && reader) await this.#run(async () => this.#setCard(await readCard(reader)));
  }

  async #close(): Promise<void> {
    this.#stopPresence?.();
    this.#stopPresence = null;
    const { card, reader } = this;
    this.#setCard(null);
    this.reader = null;
    this.present = null;
    await card?.transport.close().catch(() => undefined);
    await reader?.close().catch(() => undefined);
  }

  #setCard(card: CardInfo | null): void {
    if (card === this.#card) return;
    this.#card = card;
    for (const listener of this.#cardListeners) listener();
  }

  #run(work: () => Promise<unknown>): Promise<void> {
    return runGuarded(this, work);
  }
}
