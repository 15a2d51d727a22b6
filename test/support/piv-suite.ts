/**
 * The PIV suite the bridge tests run on a virtual YubiKey 5.7 behind the PC/SC bridge, in Node
 * (test/bridge/bridge-piv.test.ts) and in Chromium (test/e2e/bridge-page/entry.ts): select → verify →
 * change PIN → a wrong PIN → management key → generate → sign → write and read back a certificate longer
 * than a short APDU (command chaining). Browser-safe: no Node APIs.
 */
import 'reflect-metadata';
import { X509Certificate } from '@peculiar/x509';
import { ApduChannel } from '../../src/apdu/channel';
import { DEFAULT_MANAGEMENT_KEY } from '../../src/piv/management-key';
import { PivSession } from '../../src/piv/session';
import type { CardTransport } from '../../src/transport/card-transport';

/** The factory PIN and the one the suite changes it to. */
export const SUITE_PINS = { factory: '123456', changed: '864213' } as const;

/** What the suite saw; the caller asserts on it. */
export interface PivSuiteResult {
  /** What verifying the old PIN after the change rejected with (`'accepted'` if it did not). */
  readonly wrongPin: unknown;
  readonly signatureValid: boolean;
  readonly signature: Uint8Array;
  /** The attestation certificate written to slot 9A, and what reading it back returned. */
  readonly certificate: Uint8Array;
  readonly readBack: Uint8Array;
}

/** Runs the suite on `card` (a factory-fresh YubiKey 5.7: PIN 123456, AES-192 default management key). */
export async function runPivSuite(card: CardTransport): Promise<PivSuiteResult> {
  const session = new PivSession(new ApduChannel(card));
  await session.select();
  await session.verifyPin(SUITE_PINS.factory);
  await session.changePin(SUITE_PINS.factory, SUITE_PINS.changed);
  const wrongPin = await session.verifyPin(SUITE_PINS.factory).then(
    () => 'accepted',
    (e: unknown) => e,
  );
  await session.verifyPin(SUITE_PINS.changed);
  await session.authenticate(DEFAULT_MANAGEMENT_KEY, 'AES192');
  const key = await session.generateKey(0x9a, 'ECCP256', { pinPolicy: 'ONCE', touchPolicy: 'NEVER' });
  const message = new TextEncoder().encode('bridge nonce');
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
  return { wrongPin, signatureValid, signature, certificate, readBack: await session.readCertificate(0x9a) };
}
