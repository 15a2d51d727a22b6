/**
 * The local PC/SC bridge's set-up as the bridge panel shows it: whether it answers, whether this origin
 * is paired, and how many readers it sees. Once paired, the client goes to the `pcsc-bridge` reader
 * backend, whose readers the picker lists beside every other backend's (src/state/readers.svelte.ts).
 */
import { AppError } from '../app-error';
import {
  bridgeAutoConnect,
  connectBridge,
  setBridgeAutoConnect,
  type BridgeReader,
  type PcscBridgeClient,
  type PcscBridgeReaderBackend,
} from '../workflows/readers';
import { runGuarded } from './guarded';

/** Whether a reader error is one the bridge gets around (re-exported for the UI, which stays above state/). */
export { bridgeWouldHelp } from '../workflows/readers';

/** Reactive bridge state; one instance for the app, owned by the reader state. */
export class BridgeReaderState {
  status = $state<'off' | 'connecting' | 'unpaired' | 'ready'>('off');
  readers = $state.raw<readonly BridgeReader[]>([]);
  busy = $state(false);
  error = $state.raw<AppError | null>(null);
  /** The bridge's address; the default port unless the deployment names another. */
  url = $state<string | undefined>(undefined);
  #client: PcscBridgeClient | null = null;

  /** @param backend the reader backend that offers the bridge's readers to the picker. */
  constructor(readonly backend: PcscBridgeReaderBackend) {}

  /**
   * Reconnects at start when the operator left the bridge paired last time. Quiet: a bridge that is not
   * running now is not an error until the operator asks for it.
   */
  async resume(): Promise<void> {
    if (!bridgeAutoConnect()) return;
    await this.connect({ askForCode: false });
    if (this.status !== 'ready') {
      // Something on the port that cannot prove the pairing is worth saying at once; an absent bridge is not.
      if (this.error?.code !== 'BRIDGE_NOT_AUTHENTIC') this.error = null;
      this.status = 'off';
      this.#client?.close();
      this.#client = null;
    }
  }

  /** Closes the connection and stops reconnecting at start. Open bridge cards are released by the bridge. */
  disconnect(): void {
    setBridgeAutoConnect(false);
    const client = this.#client;
    this.#client = null;
    client?.close();
    this.status = 'off';
    this.error = null;
    this.#setReaders([]);
  }

  /**
   * Connects to the bridge and proves this browser's pairing; lists its readers once both sides proved it.
   * Without a pairing the bridge is asked to print a code (unless `askForCode` is false). A bridge that
   * cannot prove the pairing leaves the status off with the error saying so: nothing is sent to it.
   */
  async connect({ askForCode = true }: { askForCode?: boolean } = {}): Promise<void> {
    this.status = 'connecting';
    await runGuarded(this, async () => {
      this.#client?.close();
      this.#setReaders([]);
      const client = await connectBridge(this.url);
      this.#client = client;
      client.onReaders((readers) => this.#setReaders(readers));
      client.onClose(() => {
        if (this.#client !== client) return;
        this.status = 'off';
        this.#setReaders([]);
      });
      this.status = client.paired ? 'ready' : 'unpaired';
      if (client.paired) this.#setReaders(await client.listReaders());
      else if (askForCode) await client.requestCode();
      setBridgeAutoConnect(client.paired);
    });
    if (this.status === 'connecting') this.status = 'off';
  }

  /** Sends the pairing code the bridge printed. */
  async pair(code: string): Promise<void> {
    await runGuarded(this, async () => {
      await this.#connected().pair(code.replace(/\s+/g, ''));
      this.status = 'ready';
      setBridgeAutoConnect(true);
      this.#setReaders(await this.#connected().listReaders());
    });
  }

  #connected(): PcscBridgeClient {
    if (!this.#client) throw new AppError('transport', 'BRIDGE_CLOSED', 'The connection to the bridge is closed.');
    return this.#client;
  }

  #setReaders(readers: readonly BridgeReader[]): void {
    this.readers = readers;
    this.backend.attach(this.status === 'ready' ? this.#client : null, readers);
  }
}
