/**
 * The console's client for the relay's master-key routes (`/api/card-keys/master-key`, administrators;
 * shapes in ./card-keys-contract.ts): which card master key the relay holds (its fingerprint, never the
 * key), and the one-time import of a browser's protected key file, so that the relay derives the same
 * per-card secrets as the consoles that issued with it (DESIGN.md "Card keys").
 */
import { MasterKeyImportResult, MasterKeyStatus, type MasterKeyImportBody } from './card-keys-contract';
import { relayCall, type RelayEndpoint } from './request';

export type { MasterKeyImportResult, MasterKeyStatus as RelayMasterKeyStatus } from './card-keys-contract';

/** The relay's card master key: fingerprint, generated or imported, and whether a secret was released under it. */
export function relayMasterKeyStatus(relay: RelayEndpoint): Promise<MasterKeyStatus> {
  return relayCall(relay, { path: '/api/card-keys/master-key', answer: MasterKeyStatus });
}

/** Imports a protected key file into the relay (refused once the relay's key is imported or used). */
export function importMasterKeyIntoRelay(
  relay: RelayEndpoint,
  body: MasterKeyImportBody,
): Promise<MasterKeyImportResult> {
  return relayCall(relay, { path: '/api/card-keys/master-key/import', body, answer: MasterKeyImportResult });
}
