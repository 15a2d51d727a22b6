/**
 * The console's client for the relay's card-key routes (`/api/card-keys`; shapes in
 * ./card-keys-contract.ts, DESIGN.md "Card keys"): which card master key the relay holds (its fingerprint,
 * never the key) and the one-time import of a browser's protected key file (administrators); one card's
 * derived secret for an operation, and the relay's answer to the card's management-key authentication
 * (operators).
 */
import type { z } from 'zod';
import {
  MasterKeyImportResult,
  MasterKeyStatus,
  ReleasedManagementKey,
  ReleasedPuk,
  WitnessAnswer,
  type ManagementAuthBody,
  type MasterKeyImportBody,
  type ReleaseBody,
} from './card-keys-contract';
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

const keysPath = (cardId: string) => `/api/card-keys/${encodeURIComponent(cardId)}`;
type ReleaseFor = Omit<ReleaseBody, 'secret'>;

/** The PUK of `cardId` for one operation (audited by the relay as `key.release`). */
export async function releasePuk(relay: RelayEndpoint, cardId: string, body: ReleaseFor): Promise<string> {
  const path = `${keysPath(cardId)}/release`;
  return (await relayCall(relay, { path, body: { ...body, secret: 'puk' }, answer: ReleasedPuk })).puk;
}

/** The management key of `cardId`, to write it at issuance (audited by the relay as `key.release`). */
export async function releaseManagementKey(relay: RelayEndpoint, cardId: string, body: ReleaseFor): Promise<string> {
  const path = `${keysPath(cardId)}/release`;
  return (await relayCall(relay, { path, body: { ...body, secret: 'management-key' }, answer: ReleasedManagementKey }))
    .key;
}

/** The relay's half of one mutual management-key authentication of `cardId` (audited as `key.authenticate`). */
export function relayAnswerWitness(
  relay: RelayEndpoint,
  cardId: string,
  body: Extract<ManagementAuthBody, { witness: string }>,
): Promise<z.infer<typeof WitnessAnswer>> {
  return relayCall(relay, { path: `${keysPath(cardId)}/management-auth`, body, answer: WitnessAnswer });
}
