/**
 * Readers for the pages above: the USB, virtual and bridge readers of src/cards, and whether to
 * reconnect to the bridge at start (the operator's preference, kept in src/store). state/ reaches
 * readers through here, so it stays one layer above workflows.
 */
export {
  bridgeCardInfo,
  bridgeWouldHelp,
  chooseUsbReader,
  connectBridge,
  grantedUsbReaders,
  ReaderConnection,
  watchUsbReaders,
  type BridgeReader,
  type CardInfo,
  type PcscBridgeCard,
  type PcscBridgeClient,
  type ReaderChoice,
} from '../cards/readers';
export { createDemoVirtualReader, type VirtualReaderChoice } from '../cards/virtual-reader';
export { bridgeAutoConnect, setBridgeAutoConnect } from '../store/bridge-preference';
