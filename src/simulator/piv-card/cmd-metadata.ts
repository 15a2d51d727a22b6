/**
 * Yubico's informational commands (developers.yubico.com "PIV extensions"):
 *   GET VERSION   00 FD 00 00 → major minor patch
 *   GET SERIAL    00 F8 00 00 → 4-byte big-endian serial
 *   GET METADATA  00 F7 00 <ref> → TLVs:
 *     01 algorithm (FF for PIN/PUK)   02 PIN policy, touch policy   03 origin (01 generated, 02 imported)
 *     04 public key (81/82 or 86)     05 default value (01 yes)      06 total tries, tries remaining
 */
import { bytesEqual, concatBytes } from '../../bytes';
import { tlv } from './ber';
import { CARD_SW, ok, status, type CardCommand, type CardReply } from './card-apdu';
import type { CardState, ReferenceData } from './card-state';
import { KEY_REF, PIN_POLICY, TOUCH_POLICY, defaultPinPolicy, isKeySlot } from './data-objects';
import { DEFAULTS } from './profiles';
import { publicKeyObjects } from './slot-key';

/** GET VERSION (INS FD). */
export function getVersion(state: CardState): CardReply {
  return ok(Uint8Array.from(state.profile.version ?? []));
}

/** GET SERIAL (INS F8). */
export function getSerial(state: CardState): CardReply {
  const s = state.serial;
  return ok(Uint8Array.of((s >>> 24) & 0xff, (s >>> 16) & 0xff, (s >>> 8) & 0xff, s & 0xff));
}

function referenceMetadata(ref: ReferenceData, defaultValue: Uint8Array): Uint8Array {
  return concatBytes(
    tlv(0x01, [0xff]),
    tlv(0x05, [bytesEqual(ref.value, defaultValue) ? 1 : 0]),
    tlv(0x06, [ref.maxRetries, ref.retries]),
  );
}

/** GET METADATA (INS F7) for PIN 80, PUK 81, management key 9B or a key slot. */
export function getMetadata(state: CardState, c: CardCommand): CardReply {
  if (c.p1 !== 0x00) return status(CARD_SW.INCORRECT_P1P2);
  const ref = c.p2;
  if (ref === KEY_REF.PIN) return ok(referenceMetadata(state.pin, DEFAULTS.PIN));
  if (ref === KEY_REF.PUK) return ok(referenceMetadata(state.puk, DEFAULTS.PUK));
  if (ref === KEY_REF.MANAGEMENT) {
    const m = state.mgmt;
    return ok(
      concatBytes(
        tlv(0x01, [m.algorithm]),
        tlv(0x02, [PIN_POLICY.NEVER, m.touch ? TOUCH_POLICY.ALWAYS : TOUCH_POLICY.NEVER]),
        tlv(0x05, [bytesEqual(m.key, DEFAULTS.MGMT_KEY) ? 1 : 0]),
      ),
    );
  }
  if (!isKeySlot(ref, true)) return status(CARD_SW.INCORRECT_P1P2);
  const entry = state.slots.get(ref);
  if (!entry) return status(CARD_SW.REFERENCE_NOT_FOUND);
  return ok(
    concatBytes(
      tlv(0x01, [entry.algorithm]),
      tlv(0x02, [entry.pinPolicy || defaultPinPolicy(ref), entry.touchPolicy || TOUCH_POLICY.NEVER]),
      tlv(0x03, [entry.origin]),
      tlv(0x04, publicKeyObjects(entry.key)),
    ),
  );
}
