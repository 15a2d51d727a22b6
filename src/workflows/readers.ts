/**
 * The reader backends the pages above use, composed for this browser (DESIGN.md "Reader backends"):
 * - `web-smart-card` where `navigator.smartCard` exists (the Isolated Web App; it reaches readers only
 *   on ChromeOS, where it is listed first);
 * - `webusb-ccid` (granted readers, Chrome's chooser), which inside the Isolated Web App may claim
 *   smart-card-class readers and YubiKeys too (`usb-unrestricted`);
 * - `pcsc-bridge`, whose readers appear once the bridge panel has connected and paired;
 * - `simulator` in the demo, loaded only when asked.
 * Also whether to reconnect to the bridge at start (the operator's preference, kept in src/store).
 * state/ reaches readers through here, so it stays one layer above workflows.
 */
import type { ReaderBackend } from '../transport/reader-backend';
import type { PcscBridgeClient } from '../transport/pcsc-bridge';
import { PcscBridgeReaderBackend } from '../transport/pcsc-bridge-backend';
import { webSmartCardAvailable } from '../transport/web-smart-card';
import { WebSmartCardReaderBackend } from '../transport/web-smart-card-backend';
import { WebUsbReaderBackend } from '../transport/webusb-backend';
import { bridgeKeyStore } from '../store/bridge-pairings';

export { readCard } from '../transport/reader-backend';
export type {
  CardInfo,
  OpenReader,
  ReaderBackend,
  ReaderBackendKind,
  ReaderCapabilities,
  ReaderInfo,
} from '../transport/reader-backend';
export type { BridgeReader } from '../transport/pcsc-bridge-protocol';
export { PcscBridgeReaderBackend, type PcscBridgeClient };
export { bridgeWouldHelp } from '../transport/usb-errors';
export { bridgeAutoConnect, setBridgeAutoConnect } from '../store/bridge-preference';

/** What the app asks for. */
export interface ReaderBackendOptions {
  /** Adds the demo's virtual reader. */
  readonly demo: boolean;
  /** The serial of the virtual reader's first card. */
  readonly demoCardSerial?: number;
}

/** The backends for this browser, in the picker's order (the bridge's is passed in: the bridge panel owns it). */
export async function createReaderBackends(
  bridge: PcscBridgeReaderBackend,
  { demo, demoCardSerial }: ReaderBackendOptions,
): Promise<ReaderBackend[]> {
  const backends: ReaderBackend[] = [new WebUsbReaderBackend(), bridge];
  if (webSmartCardAvailable()) backends.unshift(new WebSmartCardReaderBackend());
  if (demo) {
    const { createSimulatorBackend } = await import('../simulator/simulator-backend');
    backends.unshift(createSimulatorBackend(demoCardSerial));
  }
  return backends;
}

/**
 * Connects to the operator's local PC/SC bridge (on its default port unless `url`), proving the pairing
 * kept in this browser's IndexedDB. The client loads on first use.
 */
export async function connectBridge(url?: string): Promise<PcscBridgeClient> {
  const { PcscBridgeClient } = await import('../transport/pcsc-bridge');
  return PcscBridgeClient.connect(url ? { url, keys: bridgeKeyStore } : { keys: bridgeKeyStore });
}
