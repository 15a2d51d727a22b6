/**
 * The `web-smart-card` reader backend: the readers of the device's PC/SC service through
 * `navigator.smartCard` (the Isolated Web App on ChromeOS), any reader and any card, YubiKeys included.
 *
 * A PC/SC context runs one operation at a time (spec: `[[operationInProgress]]`), and `getStatusChange`
 * blocks until something changes, so the backend keeps three: one watches (readers, through the
 * `\\?PnP?\Notification` pseudo-reader, and card presence), one lists, and one connects to cards (whose
 * transmits then run on it).
 */
import { isAppError } from '../app-error';
import type { OpenedCard, OpenReader, ReaderBackend, ReaderCapabilities, ReaderInfo } from './reader-backend';
import {
  establishContext,
  PNP_NOTIFICATION,
  smartCardCall,
  type SmartCardContextLike,
  type SmartCardReaderStateIn,
  type SmartCardReaderStateOut,
  type SmartCardResourceManagerLike,
  type SmartCardStateFlagsIn,
} from './web-smart-card';
import { WebSmartCardTransport } from './web-smart-card-card';

const PREFIX = 'smart-card:';
/** PC/SC exchanges whole short APDUs; the reader's driver runs T=0/T=1 (web-smart-card-card.ts). */
const CAPABILITIES: ReaderCapabilities = { exchangeLevel: 'short-apdu' };
/** How long the watcher waits before trying again after the PC/SC service failed. */
const RETRY_MS = 2000;
const MAX_RETRY_MS = 60_000;

/** Readers through the Web Smart Card API; `api` defaults to `navigator.smartCard`. */
export class WebSmartCardReaderBackend implements ReaderBackend {
  readonly kind = 'web-smart-card' as const;
  readonly title = 'smart-card reader';
  readonly #api: SmartCardResourceManagerLike | undefined;
  readonly #contexts = new Map<'list' | 'card', Promise<SmartCardContextLike>>();
  readonly #watchers = new Set<(readers: readonly ReaderInfo[]) => void>();
  readonly #presence = new Map<string, boolean>();
  #names: readonly string[] = [];
  #listing: Promise<unknown> = Promise.resolve();
  #stop: AbortController | null = null;

  readonly #establishTimeoutMs: number | undefined;

  /** @param options.establishTimeoutMs how long a context may take (default `ESTABLISH_TIMEOUT_MS`). */
  constructor(api?: SmartCardResourceManagerLike, options: { establishTimeoutMs?: number } = {}) {
    this.#api = api;
    this.#establishTimeoutMs = options.establishTimeoutMs;
  }

  listReaders(): Promise<ReaderInfo[]> {
    // One operation at a time on the context: a second listing waits for the first.
    const listing = this.#listing.then(async () => {
      try {
        const context = await this.#context('list');
        const names = await smartCardCall('listReaders', () => context.listReaders());
        this.#names = names.filter((n) => n !== PNP_NOTIFICATION);
      } catch (e) {
        // No smart-card service behind the API (outside ChromeOS): no readers here, not an error.
        if (!isAppError(e, 'transport', 'SMART_CARD_NO_SERVICE')) throw e;
        this.#names = [];
      }
      return this.#infos();
    });
    this.#listing = listing.catch(() => undefined);
    return listing;
  }

  watch(onChange: (readers: readonly ReaderInfo[]) => void): () => void {
    this.#watchers.add(onChange);
    if (!this.#stop) {
      this.#stop = new AbortController();
      void this.#follow(this.#stop.signal);
    }
    return () => this.#watchers.delete(onChange);
  }

  async open(id: string): Promise<OpenReader> {
    const name = id.slice(PREFIX.length);
    return new SmartCardOpenReader(this, {
      id,
      label: name,
      backend: this.kind,
      present: this.#presence.get(name) ?? null,
    });
  }

  async close(): Promise<void> {
    this.#stop?.abort();
    this.#stop = null;
    this.#watchers.clear();
  }

  /** @internal connects to the card in `name`, shared, T=1 preferred then T=0 (spec `connect()`). */
  async connect(name: string): Promise<WebSmartCardTransport> {
    const context = await this.#context('card');
    const { connection, activeProtocol } = await smartCardCall('connect', () =>
      context.connect(name, 'shared', { preferredProtocols: ['t1', 't0'] }),
    );
    const status = await smartCardCall('status', () => connection.status()).catch(async (e: unknown) => {
      await connection.disconnect('leave').catch(() => undefined);
      throw e;
    });
    return new WebSmartCardTransport(
      connection,
      name,
      new Uint8Array(status.answerToReset ?? new ArrayBuffer(0)),
      activeProtocol,
    );
  }

  /** @internal the last reported presence of a card in `name`. */
  presenceOf(name: string): boolean | null {
    return this.#presence.get(name) ?? null;
  }

  #context(role: 'list' | 'card'): Promise<SmartCardContextLike> {
    let context = this.#contexts.get(role);
    if (!context) {
      context = establishContext(this.#api, this.#establishTimeoutMs);
      context.catch(() => this.#contexts.delete(role)); // a later call tries again
      this.#contexts.set(role, context);
    }
    return context;
  }

  /** The watch loop: feeds each reported state back as the current one, so the next call waits for a change. */
  async #follow(signal: AbortSignal): Promise<void> {
    let known = new Map<string, SmartCardReaderStateOut>();
    let wait = RETRY_MS;
    while (!signal.aborted) {
      try {
        const context = await establishContext(this.#api, this.#establishTimeoutMs);
        wait = RETRY_MS;
        while (!signal.aborted) {
          this.#names = (await smartCardCall('listReaders', () => context.listReaders())).filter(
            (n) => n !== PNP_NOTIFICATION,
          );
          this.#emit();
          const states = [PNP_NOTIFICATION, ...this.#names].map((n) => stateIn(n, known.get(n)));
          const out = await smartCardCall('getStatusChange', () => context.getStatusChange(states, { signal }));
          known = new Map(out.map((s) => [s.readerName, s]));
          for (const s of out)
            if (s.readerName !== PNP_NOTIFICATION) this.#presence.set(s.readerName, !!s.eventState.present);
        }
      } catch {
        if (signal.aborted) return;
        known = new Map();
        await new Promise((r) => setTimeout(r, wait));
        wait = Math.min(wait * 2, MAX_RETRY_MS); // no service (outside ChromeOS): ask ever less often
      }
    }
  }

  #emit(): void {
    const infos = this.#infos();
    for (const w of this.#watchers) w(infos);
  }

  #infos(): ReaderInfo[] {
    return this.#names.map((n) => ({
      id: PREFIX + n,
      label: n,
      backend: this.kind,
      present: this.#presence.get(n) ?? null,
    }));
  }
}

/** The state PC/SC last reported for a reader, as the caller's current belief (unaware when there is none). */
function stateIn(readerName: string, last: SmartCardReaderStateOut | undefined): SmartCardReaderStateIn {
  if (!last) return { readerName, currentState: { unaware: true } };
  const { changed: _changed, unknown: _unknown, ...flags } = last.eventState;
  const currentState: SmartCardStateFlagsIn = flags;
  return { readerName, currentState, currentCount: last.eventCount };
}

class SmartCardOpenReader implements OpenReader {
  readonly capabilities = CAPABILITIES;
  readonly name: string;

  constructor(
    private readonly backend: WebSmartCardReaderBackend,
    readonly info: ReaderInfo,
  ) {
    this.name = info.label;
  }

  present(): boolean | null {
    return this.backend.presenceOf(this.name);
  }

  onPresence(listener: (present: boolean) => void): () => void {
    let last = this.present();
    return this.backend.watch(() => {
      const now = this.present() ?? false;
      if (now === last) return;
      last = now;
      listener(now);
    });
  }

  async openCard(): Promise<OpenedCard> {
    return { transport: await this.backend.connect(this.name), protocol: null };
  }

  async close(): Promise<void> {}
}
