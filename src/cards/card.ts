/**
 * The card as the lifecycle sees it: Detect with an open PIV session, the card id, and the identity its
 * admin secrets are derived from.
 *
 * Card id (RegistryRecord.cardId, journal lines):
 * - a YubiKey with a usable serial is `serial:<n>` (GET SERIAL), and its secrets derive from the serial.
 *   A serial is usable when the card reports one and it is neither 0 nor FFFFFFFF: YubiKey 4 and NEO
 *   have no GET SERIAL in PIV (Yubico: from firmware 5.0), a serial can be switched off from being
 *   visible, and other applets answer 0. Two such cards would share `serial:0` and its derived secrets,
 *   so they are identified as a generic card is (below), never by the serial;
 * - any other PIV card is `chuid:<FASC-N hex>` from its CHUID (SP 800-73-4 Part 1 §3.1.2), and its
 *   secrets derive from the CHUID's FASC-N and GUID. A card without a CHUID gets one with a random GUID
 *   and a non-federal FASC-N with 16 random digits at issuance.
 *   Issuance rebinds the GUID to the holder and keeps the FASC-N, so the id stays the card's own.
 *   Earlier versions used `chuid:<GUID hex>` (`legacyCardId`), which gave two cards of one holder the
 *   same id; the workflows move such a registry record to the FASC-N id as a step of their own.
 */
import { ApduChannel } from '../apdu/channel';
import { isAppError } from '../app-error';
import type { Chuid } from '../piv/chuid';
import { toHex } from '../bytes';
import { encodeFascn, nonFederalFascn } from '../piv/fascn';
import { PivSession } from '../piv/session';
import type { FirmwareVersion } from '../piv/yubikey';
import type { CardTransport } from '../transport/card-transport';
import type { CardIdentity } from './admin-secrets';
import { cardStepError } from './card-error';
import { detectCard, type DetectedCard } from './detect';

/** A detected PIV card with an open session. */
export interface CardHandle {
  readonly session: PivSession;
  readonly detected: Extract<DetectedCard, { kind: 'yubikey' | 'piv' }>;
  readonly kind: 'yubikey' | 'piv';
  /** The serial that identifies the card (a YubiKey's usable serial, see above), else null. */
  readonly serial: number | null;
  /** The firmware GET VERSION reported (a claim: other vendors' applets answer it too), else null. */
  readonly firmware: FirmwareVersion | null;
}

/** The serial a card id may rest on: a YubiKey's reported serial unless absent, 0 or FFFFFFFF. */
export function usableSerial(detected: CardHandle['detected']): number | null {
  const serial = detected.capabilities.serial;
  if (detected.kind !== 'yubikey' || serial === undefined || serial === 0 || serial >= 0xffffffff) return null;
  return serial;
}

/** "5.4.3" → its parts; null when absent or not three numbers. */
function parseFirmware(text: string | undefined): FirmwareVersion | null {
  const parts = (text ?? '').split('.').map(Number);
  if (parts.length !== 3 || parts.some((n) => !Number.isInteger(n))) return null;
  const [major, minor, patch] = parts as [number, number, number];
  return { major, minor, patch };
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
    throw cardStepError('CARD_UNKNOWN_TYPE', `${detected.typeName} has no PIV application`, { atr: detected.atr });
  const firmware = parseFirmware(detected.capabilities.firmware);
  return { session: new PivSession(channel), detected, kind: detected.kind, serial: usableSerial(detected), firmware };
}

/** A PIV session on the card behind `transport`, the application selected (no Detect). */
export async function openPivSession(transport: CardTransport): Promise<PivSession> {
  return (await PivSession.open(new ApduChannel(transport))).session;
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
 * The id an earlier version gave a generic card, `chuid:<GUID hex>`; undefined for a YubiKey or a card
 * identified without a CHUID. Only meaningful for a CHUID read from the card itself (its GUID is its
 * holder's), never for one planned for it.
 */
export function legacyCardId(id: CardIdentification): string | undefined {
  if (!id.cardId.startsWith('chuid:') || !id.chuid) return undefined;
  return `chuid:${id.chuid.guid.replace(/-/g, '').toLowerCase()}`;
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

/** Identifies the card; a generic PIV card without a CHUID (never issued here) is `undefined`. */
export async function identifyCard(card: CardHandle): Promise<CardIdentification | undefined> {
  const chuid = await readChuidOrNull(card.session);
  if (card.serial !== null) return { cardId: `serial:${card.serial}`, identity: { serial: card.serial }, chuid };
  return chuid ? chuidIdentification(chuid) : undefined;
}

/** What issuance will bind: the card's id, the CHUID it writes, and the CHUID the card carries now. */
export interface PlannedBinding {
  readonly id: CardIdentification;
  readonly planned: Chuid;
  readonly existing: Chuid | null;
}

/** The CHUID issuance writes: the card's own FASC-N kept (or a fresh one), GUID = the holder's `userId`. */
export async function planBinding(card: CardHandle, userId: string): Promise<PlannedBinding> {
  const existing = await readChuidOrNull(card.session);
  const planned = existing
    ? { ...existing, guid: userId, expiration: expiryYears(5), signature: new Uint8Array(0) }
    : freshChuid(userId);
  const id =
    card.serial !== null
      ? { cardId: `serial:${card.serial}`, identity: { serial: card.serial }, chuid: existing }
      : chuidIdentification(planned);
  return { id, planned, existing };
}
