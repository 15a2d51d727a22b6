/**
 * A test page bundle for test/e2e/bridge.spec.ts: runs the PIV suite in Chromium through the page's own
 * bridge adapter (src/transport/pcsc-bridge.ts, the browser's WebSocket) and `PivSession`, and reports
 * what happened. Built by Vite into one classic script.
 */
import 'reflect-metadata';
import { X509Certificate } from '@peculiar/x509';
import { toHex } from '../../../src/bytes';
import { ApduChannel } from '../../../src/apdu/channel';
import { DEFAULT_MANAGEMENT_KEY } from '../../../src/piv/management-key';
import { PivSession } from '../../../src/piv/session';
import { PcscBridgeClient } from '../../../src/transport/pcsc-bridge';

/** What the page reports back to the test. */
export interface BridgeSuiteReport {
  readonly pairedBefore: boolean;
  readonly readers: string[];
  readonly atr: string;
  readonly wrongPinRetries: unknown;
  readonly signatureValid: boolean;
  readonly certificateRoundTrip: boolean;
}

/** Pairs with `code`, then select → verify → change PIN → generate → sign → write/read certificate. */
export async function runPivSuite(url: string, code: string, reader: string): Promise<BridgeSuiteReport> {
  const client = await PcscBridgeClient.connect({ url });
  const pairedBefore = client.paired;
  if (!client.paired) await client.pair(code);
  const readers = (await client.listReaders()).filter((r) => r.present).map((r) => r.name);
  const card = await client.connectCard(reader, { mode: 'exclusive' });
  const session = new PivSession(new ApduChannel(card));
  await session.select();
  await session.verifyPin('123456');
  await session.changePin('123456', '864213');
  const wrongPinRetries = await session.verifyPin('123456').then(
    () => 'accepted',
    (e: { fields?: { retriesLeft?: number } }) => e.fields?.retriesLeft,
  );
  await session.verifyPin('864213');
  await session.authenticate(DEFAULT_MANAGEMENT_KEY, 'AES192');
  const key = await session.generateKey(0x9a, 'ECCP256', { pinPolicy: 'ONCE', touchPolicy: 'NEVER' });
  const message = new TextEncoder().encode('bridge e2e');
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', message));
  const signature = await session.signEcdsaRaw(0x9a, 'ECCP256', hash);
  const signatureValid = await crypto.subtle.verify(
    { name: 'ECDSA', hash: 'SHA-256' },
    key.cryptoKey!,
    Uint8Array.from(signature),
    message,
  );
  const certificate = new Uint8Array(new X509Certificate(Uint8Array.from(await session.attest(0x9a))).rawData);
  await session.writeCertificate(0x9a, certificate);
  const back = await session.readCertificate(0x9a);
  const certificateRoundTrip = back.length === certificate.length && back.every((b, i) => b === certificate[i]);
  const atr = toHex(card.atr);
  await card.close();
  client.close();
  return { pairedBefore, readers, atr, wrongPinRetries, signatureValid, certificateRoundTrip };
}
