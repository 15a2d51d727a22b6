/**
 * The `pcsc-bridge` reader backend: the readers of the operator's local PC/SC bridge. The connection and
 * its pairing are set up elsewhere (the bridge panel's state connects a `PcscBridgeClient` and hands it
 * over with `attach`); this backend only offers the readers and opens their cards, shared, so the
 * operator's other smart-card tools keep working.
 */
import { AppError } from '../app-error';
import type { PcscBridgeClient } from './pcsc-bridge';
import type { BridgeReader } from './pcsc-bridge-protocol';
import type { OpenedCard, OpenReader, ReaderBackend, ReaderCapabilities, ReaderInfo } from './reader-backend';

const PREFIX = 'bridge:';

/** PC/SC exchanges whole short APDUs; the reader's own driver runs T=0/T=1 (pcsc-bridge-card.ts). */
const CAPABILITIES: ReaderCapabilities = { exchangeLevel: 'short-apdu' };

/** Readers behind the local bridge, once a paired client is attached. */
export class PcscBridgeReaderBackend implements ReaderBackend {
  readonly kind = 'pcsc-bridge' as const;
  readonly title = 'bridge reader';
  #client: PcscBridgeClient | null = null;
  #readers: readonly BridgeReader[] = [];
  readonly #watchers = new Set<(readers: readonly ReaderInfo[]) => void>();

  /** Takes over a paired client's readers (or, with null, forgets them: the bridge was disconnected). */
  attach(client: PcscBridgeClient | null, readers: readonly BridgeReader[] = []): void {
    this.#client = client;
    this.#readers = client ? readers : [];
    const infos = this.#infos();
    for (const w of this.#watchers) w(infos);
  }

  async listReaders(): Promise<ReaderInfo[]> {
    return this.#infos();
  }

  watch(onChange: (readers: readonly ReaderInfo[]) => void): () => void {
    this.#watchers.add(onChange);
    return () => this.#watchers.delete(onChange);
  }

  async open(id: string): Promise<OpenReader> {
    const name = id.slice(PREFIX.length);
    const info = this.#infos().find((r) => r.id === id);
    if (!info) throw new AppError('transport', 'BRIDGE_CLOSED', `The bridge no longer offers ${name}.`);
    return new BridgeOpenReader(this, info, name);
  }

  async close(): Promise<void> {
    this.#watchers.clear();
  }

  /** @internal the client, for readers opened through this backend. */
  client(): PcscBridgeClient {
    if (!this.#client) throw new AppError('transport', 'BRIDGE_CLOSED', 'The connection to the bridge is closed.');
    return this.#client;
  }

  #infos(): ReaderInfo[] {
    return this.#readers.map((r) => ({ id: PREFIX + r.name, label: r.name, backend: this.kind, present: r.present }));
  }
}

class BridgeOpenReader implements OpenReader {
  readonly capabilities = CAPABILITIES;
  #present: boolean | null;

  constructor(
    private readonly backend: PcscBridgeReaderBackend,
    readonly info: ReaderInfo,
    readonly name: string,
  ) {
    this.#present = info.present;
  }

  present(): boolean | null {
    return this.#present;
  }

  onPresence(listener: (present: boolean) => void): () => void {
    return this.backend.watch((readers) => {
      // A reader that vanished (or a bridge that went away) holds no card.
      const present = readers.find((r) => r.id === this.info.id)?.present ?? false;
      if (present === this.#present) return;
      this.#present = present;
      listener(present);
    });
  }

  async openCard(): Promise<OpenedCard> {
    return { transport: await this.backend.client().connectCard(this.name), protocol: null };
  }

  async close(): Promise<void> {}
}
