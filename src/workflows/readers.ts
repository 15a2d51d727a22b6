/**
 * Readers for the pages above: the USB, virtual and bridge readers of src/cards, and whether to
 * reconnect to the bridge at start (the operator's preference, kept in src/store). state/ reaches
 * readers through here, so it stays one layer above workflows.
 */
import { connectBridge as connectBridgeWith, type PcscBridgeClient } from '../cards/readers';
import type { VirtualReaderChoice } from '../cards/virtual-reader';
import { bridgeKeyStore } from '../store/bridge-pairings';

export {
  bridgeCardInfo,
  bridgeWouldHelp,
  chooseUsbReader,
  grantedUsbReaders,
  ReaderConnection,
  watchUsbReaders,
  type BridgeReader,
  type CardInfo,
  type PcscBridgeCard,
  type PcscBridgeClient,
  type ReaderChoice,
} from '../cards/readers';
export { bridgeAutoConnect, setBridgeAutoConnect } from '../store/bridge-preference';
export type { VirtualReaderChoice };

/** Connects to the local PC/SC bridge with the pairing keys this browser keeps in IndexedDB. */
export function connectBridge(url?: string): Promise<PcscBridgeClient> {
  return connectBridgeWith(bridgeKeyStore, url);
}

/** Builds the demo's virtual reader (its first card's serial `firstSerial`); its module, and the simulator behind it, load only when asked. */
export async function createDemoVirtualReader(firstSerial?: number): Promise<VirtualReaderChoice> {
  const { createDemoVirtualReader: create } = await import('../cards/virtual-reader');
  return create(firstSerial);
}
