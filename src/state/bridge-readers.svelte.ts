/**
 * The local PC/SC bridge as the reader picker shows it: whether it answers, whether this origin is
 * paired, its readers with live card presence, and the card opened through it.
 */
import { AppError, toAppError } from '../app-error';
import { connectBridge } from '../cards/readers';

/** Whether a reader error is one the bridge gets around (re-exported for the UI, which stays above state/). */
export { bridgeWouldHelp } from '../cards/readers';
import type { PcscBridgeCard, PcscBridgeClient } from '../transport/pcsc-bridge';
import type { BridgeReader } from '../transport/pcsc-bridge-protocol';

/** Reactive bridge state; one instance for the app. */
export class BridgeReaderState {
  status = $state<'off' | 'connecting' | 'unpaired' | 'ready'>('off');
  readers = $state.raw<readonly BridgeReader[]>([]);
  selected = $state<string | null>(null);
  card = $state.raw<PcscBridgeCard | null>(null);
  busy = $state(false);
  error = $state.raw<AppError | null>(null);
  #client: PcscBridgeClient | null = null;

  /** Connects to the bridge; lists its readers when this origin is already paired. */
  async connect(url?: string): Promise<void> {
    this.status = 'connecting';
    await this.#run(async () => {
      this.#client?.close();
      const client = await connectBridge(url);
      this.#client = client;
      client.onReaders((readers) => (this.readers = readers));
      this.status = client.paired ? 'ready' : 'unpaired';
      if (client.paired) this.readers = await client.listReaders();
    });
    if (this.status === 'connecting') this.status = 'off';
  }

  /** Sends the pairing code the bridge printed. */
  async pair(code: string): Promise<void> {
    await this.#run(async () => {
      await this.#client!.pair(code);
      this.status = 'ready';
      this.readers = await this.#client!.listReaders();
    });
  }

  /** Connects to the card in `reader` (shared, so other tools keep working). */
  async use(reader: string): Promise<void> {
    await this.#run(async () => {
      await this.card?.close();
      this.card = null;
      this.selected = reader;
      this.card = await this.#client!.connectCard(reader);
    });
  }

  async #run(work: () => Promise<unknown>): Promise<void> {
    this.busy = true;
    this.error = null;
    try {
      await work();
    } catch (e) {
      this.error = toAppError(e, 'transport');
    } finally {
      this.busy = false;
    }
  }
}
