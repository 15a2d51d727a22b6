/**
 * The card as the lifecycle workflows see it: Detect, the card id, the identity its admin secrets are
 * derived from, and management-key authentication with whichever key the card holds now.
 *
 * Card id (RegistryRecord.cardId, journal lines):
 * - a YubiKey is `serial:<n>` (GET SERIAL), and its secrets derive from the serial;
 * - any other PIV card is `chuid:<FASC-N hex>` from its CHUID (SP 800-73-4 Part 1 §3.1.2), and its
 *   secrets derive from the CHUID's FASC-N and GUID. A card without a CHUID gets one with a random GUID
 *   and a non-federal FASC-N with 16 random digits (issuance, or `identifyCard(…, { writeIfMissing })`).
 *   Issuance rebinds the GUID to the holder and keeps the FASC-N, so the id stays the card's own.
 *   Earlier versions used `chuid:<GUID hex>`, which gave two cards of one holder the same id; such a
 *   record moves to the FASC-N id the first time its card is read (`registryRecordOf`).
 */
import { toHex } from '../../bytes';
import { ApduChannel } from '../../apdu/channel';
import { isAppError } from '../../app-error';
import { deriveManagementKey, type CardIdentity } from '../../cards/admin-secrets';
import { detectCard, type DetectedCard } from '../../cards/detect';
import type { Chuid } from '../../piv/chuid';
import { KEY_REF, type ManagementKeyAlgorithm } from '../../piv/constants';
import { encodeFascn, nonFederalFascn } from '../../piv/fascn';
import { DEFAULT_MANAGEMENT_KEY } from '../../piv/management-key';
import { getCard, renameCard, type RegistryRecord } from '../../store/registry';
import { PivSession } from '../../piv/session';
import type { CardTransport } from '../../transport/card-transport';
import { lifecycleError } from './types';

/** A detected PIV card with an open session. */
export interface CardHandle {
  readonly session: PivSession;
  readonly detected: Extract<DetectedCard, { kind: 'yubikey' | 'piv' }>;
  readonly kind: 'yubikey' | 'piv';
  readonly serial: number | null;
  /** The algorithm a derived management key gets here: AES-192 on a YubiKey, else 3DES (the one algorithm every PIV card's 9B key has). */
  readonly targetAlgorithm: ManagementKeyAlgorithm;
}

/** Who the card is: its registry id, the identity its secrets derive from, and its CHUID (if any). */
export interface CardIdentification {
  readonly cardId: string;
  readonly identity: CardIdentity;
  readonly chuid: Chuid | null;
}

/** Detects the card and opens a PIV session on it. `CARD_UNKNOWN_TYPE` when it has no PIV application. */
export async function openCard(transport: CardTransport): Promise<CardHandle> {
  const channel = new ApduChannel(transport);
  const detected = await detectCard(transport, channel);
  if (detected.kind === 'unknown')
    throw lifecycleError('CARD_UNKNOWN_TYPE', `${detected.typeName} has no PIV application`, { atr: detected.atr });
  const serial = detected.capabilities.serial ?? null;
  const targetAlgorithm = detected.kind === 'yubikey' ? 'AES192' : 'TDES';
  return { session: new PivSession(channel), detected, kind: detected.kind, serial, targetAlgorithm };
}

/** Reads the CHUID; null when the card has none. */
export async function readChuidOrNull(session: PivSession): Promise<Chuid | null> {
  try {
    return await session.readChuid();
  } catch (e) {
    if (isAppError(e, 'piv', 'NOT_FOUND') || isAppError(e, 'piv', 'RESPONSE_INVALID')) return null;
    throw e;
  }
}

/** `chuid:<FASC-N hex>` and the derivation identity of a CHUID. */
export function chuidIdentification(chuid: Chuid): CardIdentification {
  const identity = { chuidFascn: toHex(encodeFascn(chuid.fascn)), chuidGuid: chuid.guid };
  return { cardId: `chuid:${identity.chuidFascn.toLowerCase()}`, identity, chuid };
}

/**
 * The registry record of the identified card. A generic card registered by an earlier version under
 * `chuid:<GUID hex>` has its record moved to the FASC-N id here: only call this with a CHUID read from
 * the card itself (whose GUID is its holder's), never with one planned for it.
 */
export async function registryRecordOf(id: CardIdentification): Promise<RegistryRecord | undefined> {
  const record = await getCard(id.cardId);
  if (record || !id.cardId.startsWith('chuid:') || !id.chuid) return record;
  return renameCard(`chuid:${id.chuid.guid.replace(/-/g, '').toLowerCase()}`, id.cardId);
}

/** A fresh CHUID for a card that has none: random GUID, a non-federal FASC-N with random credential number and person identifier, valid five years. */
export function freshChuid(guid: string = crypto.randomUUID()): Chuid {
  const [credential, high, low] = crypto.getRandomValues(new Uint32Array(3));
  const personIdentifier = Number((BigInt(high!) * 4_294_967_296n + BigInt(low!)) % 10_000_000_000n);
  return {
    fascn: nonFederalFascn(credential!, personIdentifier),
    guid,
    expiration: expiryYears(5),
    signature: new Uint8Array(0),
  };
}

/** YYYYMMDD `years` from now (CHUID tag 35). */
export function expiryYears(years: number, now = new Date()): string {
  return `${now.getUTCFullYear() + years}${String(now.getUTCMonth() + 1).padStart(2, '0')}${String(now.getUTCDate()).padStart(2, '0')}`;
}

/**
 * Identifies the card. A generic PIV card without a CHUID is `undefined` unless `writeIfMissing`, which
 * writes a fresh CHUID first (needs the factory management key: such a card was never issued by us).
 */
export async function identifyCard(
  card: CardHandle,
  options: { writeIfMissing?: boolean } = {},
): Promise<CardIdentification | undefined> {
  if (card.serial !== null) {
    return {
      cardId: `serial:${card.serial}`,
      identity: { serial: card.serial },
      chuid: await readChuidOrNull(card.session),
    };
  }
  const chuid = await readChuidOrNull(card.session);
  if (chuid) return chuidIdentification(chuid);
  if (!options.writeIfMissing) return undefined;
  await card.session.authenticate(DEFAULT_MANAGEMENT_KEY, 'TDES');
  const written = freshChuid();
  await card.session.writeChuid(written);
  return chuidIdentification(written);
}

/** Which management key the card holds. */
export type AdminKeyState = 'default' | 'derived';

/** The management key's algorithm and default flag from GET METADATA 9B; undefined where unsupported. */
async function managementMetadata(
  session: PivSession,
): Promise<{ algorithm: ManagementKeyAlgorithm; isDefault: boolean | undefined } | undefined> {
  try {
    const m = await session.getMetadata(KEY_REF.MANAGEMENT);
    return { algorithm: (m.algorithm ?? 'TDES') as ManagementKeyAlgorithm, isDefault: m.isDefault };
  } catch (e) {
    if (isAppError(e, 'piv', 'NOT_SUPPORTED')) return undefined;
    throw e;
  }
}

/** Authenticates with `key`; false when the card refuses it (a wrong management key has no retry counter). */
async function tryKey(session: PivSession, key: Uint8Array, algorithm: ManagementKeyAlgorithm): Promise<boolean> {
  try {
    await session.authenticate(key, algorithm);
    return true;
  } catch (e) {
    if (isAppError(e, 'piv', 'AUTH_FAILED')) return false;
    throw e;
  }
}

/**
 * Authenticates with the management key the card holds now: the factory default (3DES or AES-192 per
 * GET METADATA 9B) or the key derived for this card. `CARD_FOREIGN` when it is neither.
 */
export async function authenticateAdmin(
  card: CardHandle,
  masterKey: CryptoKey,
  identity: CardIdentity,
): Promise<{ state: AdminKeyState; algorithm: ManagementKeyAlgorithm }> {
  const meta = await managementMetadata(card.session);
  const algorithm = meta?.algorithm ?? 'TDES';
  if (meta?.isDefault !== false && (await tryKey(card.session, DEFAULT_MANAGEMENT_KEY, algorithm)))
    return { state: 'default', algorithm };
  const derived = await deriveManagementKey(masterKey, identity, algorithm);
  try {
    if (await tryKey(card.session, derived, algorithm)) return { state: 'derived', algorithm };
  } finally {
    derived.fill(0);
  }
  throw lifecycleError(
    'CARD_FOREIGN',
    'The card holds a management key that is neither the factory default nor the one derived for it.',
    { algorithm },
  );
}

/**
 * Refuses, before anything is written, a card that would keep its factory management key: SP 800-73-4
 * defines no command to change the 9B key, so the only way is Yubico's SET MANAGEMENT KEY (INS FF). It is
 * tried here with the factory key the card already holds (just authenticated, `algorithm` as there), a
 * no-op where supported; a card without it answers 6D00/6A81 → `MANAGEMENT_KEY_FIXED`. Afterwards the
 * factory key authenticates again: a YubiKey keeps the authenticated state across SET MANAGEMENT KEY
 * (Yubico .NET SDK, PivSession.TryChangeManagementKey remarks), but another card offering INS FF need not.
 */
export async function ensureManagementKeyChangeable(
  card: CardHandle,
  algorithm: ManagementKeyAlgorithm,
): Promise<void> {
  try {
    await card.session.setManagementKey(algorithm, DEFAULT_MANAGEMENT_KEY.slice());
  } catch (e) {
    if (!isAppError(e, 'piv', 'NOT_SUPPORTED')) throw e;
    throw lifecycleError(
      'MANAGEMENT_KEY_FIXED',
      "The card's management key is the factory default and the card offers no command to change it, so it is not issued.",
      { algorithm, kind: card.kind },
      e,
    );
  }
  await card.session.authenticate(DEFAULT_MANAGEMENT_KEY, algorithm);
}

/** True when the key derived for this card (with `algorithm`) authenticates. */
export async function derivedKeyWorks(
  card: CardHandle,
  masterKey: CryptoKey,
  identity: CardIdentity,
  algorithm: ManagementKeyAlgorithm,
): Promise<boolean> {
  const derived = await deriveManagementKey(masterKey, identity, algorithm);
  try {
    return await tryKey(card.session, derived, algorithm);
  } finally {
    derived.fill(0);
  }
}
