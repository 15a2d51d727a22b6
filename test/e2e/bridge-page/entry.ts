/**
 * A test page bundle for test/e2e/bridge.spec.ts: runs the PIV suite in Chromium through the page's own
 * bridge adapter (src/transport/pcsc-bridge.ts, the browser's WebSocket) and `PivSession`, and reports
 * what happened. Built by Vite into one classic script.
 */
import { isAppError } from '../../../src/app-error';
import { toHex } from '../../../src/bytes';
import { PcscBridgeClient, type BridgeKeyStore } from '../../../src/transport/pcsc-bridge';
import { runPivSuite as runSuite } from '../../support/piv-suite';

/** What the page reports back to the test. */
export interface BridgeSuiteReport {
  readonly pairedBefore: boolean;
  readonly readers: string[];
  readonly atr: string;
  readonly wrongPinRetries: unknown;
  readonly signatureValid: boolean;
  readonly certificateRoundTrip: boolean;
}

/** The page's pairing keys for this run (the app keeps them in IndexedDB: src/store/bridge-pairings.ts). */
const memory = new Map<string, CryptoKey>();
const pageKeys: BridgeKeyStore = {
  read: async (url) => memory.get(url),
  write: async (url, key) => void memory.set(url, key),
};

/** Pairs with `code`, lists the readers, then runs the PIV suite (test/support/piv-suite.ts) on `reader`. */
export async function runPivSuite(url: string, code: string, reader: string): Promise<BridgeSuiteReport> {
  const client = await PcscBridgeClient.connect({ url, keys: pageKeys });
  const pairedBefore = client.paired;
  if (!client.paired) await client.pair(code);
  const readers = (await client.listReaders()).filter((r) => r.present).map((r) => r.name);
  const card = await client.connectCard(reader, { mode: 'exclusive' });
  const suite = await runSuite(card);
  const wrongPinRetries = isAppError(suite.wrongPin) ? suite.wrongPin.fields.retriesLeft : suite.wrongPin;
  const { signatureValid, certificate, readBack: back } = suite;
  const certificateRoundTrip = back.length === certificate.length && back.every((b, i) => b === certificate[i]);
  const atr = toHex(card.atr);
  await card.close();
  client.close();
  return { pairedBefore, readers, atr, wrongPinRetries, signatureValid, certificateRoundTrip };
}
