/**
 * The pairing keys this browser holds for the local PC/SC bridge, one per bridge address (DESIGN.md
 * "Reader backends"). Non-extractable CryptoKeys: they prove the pairing to the bridge, and their bytes
 * never leave WebCrypto.
 */
import { openKeywardDb } from './db';

/** The pairing key for the bridge at `bridgeUrl`, or undefined when this browser never paired with it. */
export async function readBridgeKey(bridgeUrl: string): Promise<CryptoKey | undefined> {
  return (await (await openKeywardDb()).get('bridgePairings', bridgeUrl))?.key;
}

/** Keeps `key` as the pairing with the bridge at `bridgeUrl`, replacing an earlier one. */
export async function writeBridgeKey(bridgeUrl: string, key: CryptoKey): Promise<void> {
  if (key.extractable) throw new TypeError('A bridge pairing key must be non-extractable.');
  await (await openKeywardDb()).put('bridgePairings', { bridgeUrl, key, pairedAt: new Date().toISOString() });
}

/** The key store the bridge adapter takes (src/transport/pcsc-bridge.ts `BridgeKeyStore`). */
export const bridgeKeyStore = { read: readBridgeKey, write: writeBridgeKey } as const;
