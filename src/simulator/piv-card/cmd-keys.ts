/**
 * Key management: GENERATE ASYMMETRIC KEY PAIR (SP 800-73-4 Part 2 §3.3.2) and Yubico's IMPORT KEY (FE),
 * ATTEST (F9), MOVE KEY (F6, firmware 5.7) and SET MANAGEMENT KEY (FF).
 *
 *   GENERATE   00 47 00 <slot> AC { 80 alg [AA pin policy] [AB touch policy] } → 7F49 { 81 n 82 e | 86 point }
 *   IMPORT     00 FE <alg> <slot> { 01..05 RSA CRT | 06 EC scalar | 07 Ed25519 | 08 X25519 } [AA] [AB]
 *   ATTEST     00 F9 <slot> 00 → DER certificate
 *   MOVE       00 F6 <to|FF delete> <from>
 *   SET MGMKEY 00 FF FF FF|FE { <alg> 9B <len> <key> }  (FE = touch required)
 */
import { parseTlvs, tlv, tlvValue, type CardTlv } from './ber';
import { CARD_SW, ok, status, type CardCommand, type CardReply } from './card-apdu';
import type { CardState, SlotEntry } from './card-state';
import { KEY_REF, certificateObjectFor, isKeySlot } from './data-objects';
import { attestationCertificate } from './attestation';
import { MGMT_KEY_LENGTH } from './mgmt-cipher';
import { generateKey, importKey, publicKeyObjects, type KeyMaterial } from './slot-key';

const needsAdmin = (state: CardState): CardReply | null =>
  state.security.mgmtAuthenticated ? null : status(CARD_SW.SECURITY_STATUS_NOT_SATISFIED);

/** Reads AA/AB policies (0..3 each); null when out of range. */
function policies(fields: readonly CardTlv[]): { pinPolicy: number; touchPolicy: number } | null {
  const pinPolicy = tlvValue(fields, 0xaa)?.[0] ?? 0;
  const touchPolicy = tlvValue(fields, 0xab)?.[0] ?? 0;
  return pinPolicy <= 3 && touchPolicy <= 3 ? { pinPolicy, touchPolicy } : null;
}

/** GENERATE ASYMMETRIC KEY PAIR (INS 47). */
export async function generateKeyPair(state: CardState, c: CardCommand): Promise<CardReply> {
  const denied = needsAdmin(state);
  if (denied) return denied;
  if (c.p1 !== 0x00 || !isKeySlot(c.p2, false)) return status(CARD_SW.INCORRECT_P1P2);
  const outer = parseTlvs(c.data);
  const template = outer && tlvValue(outer, 0xac);
  const fields = template && parseTlvs(template);
  const algorithm = fields && tlvValue(fields, 0x80);
  const policy = fields && policies(fields);
  if (!algorithm || algorithm.length !== 1 || !policy) return status(CARD_SW.INCORRECT_DATA);
  if (!state.profile.keyAlgorithms.includes(algorithm[0]!)) return status(CARD_SW.INCORRECT_DATA);
  const key = await generateKey(algorithm[0]!, state.random);
  if (!key) return status(CARD_SW.INCORRECT_DATA);
  state.slots.set(c.p2, { algorithm: algorithm[0]!, key, ...policy, origin: 1 });
  return ok(tlv(0x7f49, publicKeyObjects(key)));
}

/** Yubico IMPORT KEY (INS FE). */
export function importAsymmetricKey(state: CardState, c: CardCommand): CardReply {
  const denied = needsAdmin(state);
  if (denied) return denied;
  if (!isKeySlot(c.p2, true)) return status(CARD_SW.INCORRECT_P1P2);
  if (!state.profile.keyAlgorithms.includes(c.p1)) return status(CARD_SW.INCORRECT_P1P2);
  const fields = parseTlvs(c.data);
  const policy = fields && policies(fields);
  const key = fields && policy && importKey(c.p1, (tag) => tlvValue(fields, tag));
  if (!key || !policy) return status(CARD_SW.INCORRECT_DATA);
  state.slots.set(c.p2, { algorithm: c.p1, key, ...policy, origin: 2 });
  return ok();
}

/** Yubico ATTEST (INS F9): only keys generated on the card can be attested. */
export function attest(state: CardState, c: CardCommand): CardReply {
  const entry = state.slots.get(c.p1);
  const f9 = state.slots.get(KEY_REF.ATTESTATION);
  if (c.p2 !== 0x00 || !isKeySlot(c.p1, false)) return status(CARD_SW.INCORRECT_P1P2);
  if (!entry) return status(CARD_SW.REFERENCE_NOT_FOUND);
  if (entry.origin !== 1 || f9?.key.kind !== 'ec' || !state.profile.version) return status(CARD_SW.INCORRECT_DATA);
  const facts = { slot: c.p1, key: entry.key, pinPolicy: entry.pinPolicy || 2, touchPolicy: entry.touchPolicy || 1 };
  const cert = attestationCertificate(
    { ...facts, version: state.profile.version, serial: state.serial },
    f9.key as KeyMaterial & { kind: 'ec' },
    state.random,
  );
  return ok(cert);
}

/** Yubico MOVE KEY (INS F6; firmware 5.7): P1 destination (FF = delete), P2 source. */
export function moveKey(state: CardState, c: CardCommand): CardReply {
  const denied = needsAdmin(state);
  if (denied) return denied;
  const [to, from] = [c.p1, c.p2];
  if (!isKeySlot(from, false) || (to !== 0xff && (!isKeySlot(to, false) || to === from)))
    return status(CARD_SW.INCORRECT_P1P2);
  const entry: SlotEntry | undefined = state.slots.get(from);
  if (!entry) return status(CARD_SW.REFERENCE_NOT_FOUND);
  state.slots.delete(from);
  if (to !== 0xff) state.slots.set(to, entry);
  const certObject = certificateObjectFor(from);
  if (to === 0xff && certObject !== undefined) state.objects.delete(certObject);
  return ok();
}

/** Yubico SET MANAGEMENT KEY (INS FF). */
export function setManagementKey(state: CardState, c: CardCommand): CardReply {
  const denied = needsAdmin(state);
  if (denied) return denied;
  if (c.p1 !== 0xff || (c.p2 !== 0xff && c.p2 !== 0xfe)) return status(CARD_SW.INCORRECT_P1P2);
  const [algorithm, ref, length] = [c.data[0], c.data[1], c.data[2]];
  if (algorithm === undefined || !state.profile.mgmtAlgorithms.includes(algorithm))
    return status(CARD_SW.INCORRECT_DATA);
  if (ref !== KEY_REF.MANAGEMENT || length !== MGMT_KEY_LENGTH[algorithm] || c.data.length !== 3 + length)
    return status(CARD_SW.INCORRECT_DATA);
  state.mgmt = { algorithm, key: c.data.slice(3), touch: c.p2 === 0xfe };
  return ok();
}
