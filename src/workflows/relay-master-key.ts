/**
 * The administrator's one-time migration of card keys into the relay (DESIGN.md "Card keys"): the
 * protected key file an older Keyward kept in this browser, or one exported from such a browser, goes to
 * the relay with its passphrase, so the relay derives the same per-card PUK and management key as the
 * consoles that issued with it; cards issued before keep working from every console, and holders can
 * unblock them on the self-service page. The passphrase travels in the request body only and is never kept.
 */
import { importMasterKeyIntoRelay, relayMasterKeyStatus, type MasterKeyImportResult } from '../relay-api/card-keys';
import type { RelayEndpoint } from '../relay-api/request';
import { exportMasterKeyFile } from './master-key';

export type { MasterKeyImportResult, RelayMasterKeyStatus } from '../relay-api/card-keys';
export type { RelayEndpoint };
export { relayMasterKeyStatus };

/** Imports this browser's master key into the relay; resolves with the relay's key status after. */
export async function moveMasterKeyToRelay(relay: RelayEndpoint, passphrase: string): Promise<MasterKeyImportResult> {
  const { text } = await exportMasterKeyFile();
  return importMasterKeyIntoRelay(relay, { keyFile: text, passphrase });
}

/** Imports a key file an older Keyward exported (chosen by the administrator) into the relay. */
export function importKeyFileIntoRelay(
  relay: RelayEndpoint,
  keyFile: string,
  passphrase: string,
): Promise<MasterKeyImportResult> {
  return importMasterKeyIntoRelay(relay, { keyFile, passphrase });
}
