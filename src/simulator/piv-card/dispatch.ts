/**
 * Which instructions each profile answers (SP 800-73-4 Part 2 §3 Table 2 for PIV; Yubico's PIV
 * extensions on top for YubiKey profiles). Anything else is 6D00.
 */
import type { CardCommand, CardReply } from './card-apdu';
import type { CardState } from './card-state';
import { generalAuthenticate } from './cmd-authenticate';
import { getData, putData } from './cmd-data';
import { attest, generateKeyPair, importAsymmetricKey, moveKey, setManagementKey } from './cmd-keys';
import { getMetadata, getSerial, getVersion } from './cmd-metadata';
import { changeReference, resetCard, resetRetryCounter, setPinRetries, verify } from './cmd-reference';
import type { PivCardProfile } from './profiles';

/** A command handler. */
export type CardCommandHandler = (state: CardState, c: CardCommand) => CardReply | Promise<CardReply>;

/** Instruction bytes (SP 800-73-4 Part 2 Table 2; Yubico). */
export const INS = {
  VERIFY: 0x20,
  CHANGE_REFERENCE_DATA: 0x24,
  RESET_RETRY_COUNTER: 0x2c,
  GENERATE_ASYMMETRIC_KEY_PAIR: 0x47,
  GENERAL_AUTHENTICATE: 0x87,
  SELECT: 0xa4,
  GET_RESPONSE: 0xc0,
  GET_DATA: 0xcb,
  PUT_DATA: 0xdb,
  MOVE_KEY: 0xf6,
  GET_METADATA: 0xf7,
  GET_SERIAL: 0xf8,
  ATTEST: 0xf9,
  SET_PIN_RETRIES: 0xfa,
  RESET: 0xfb,
  GET_VERSION: 0xfd,
  IMPORT_KEY: 0xfe,
  SET_MANAGEMENT_KEY: 0xff,
} as const;

const PIV: ReadonlyMap<number, CardCommandHandler> = new Map<number, CardCommandHandler>([
  [INS.VERIFY, verify],
  [INS.CHANGE_REFERENCE_DATA, changeReference],
  [INS.RESET_RETRY_COUNTER, resetRetryCounter],
  [INS.GENERATE_ASYMMETRIC_KEY_PAIR, generateKeyPair],
  [INS.GENERAL_AUTHENTICATE, generalAuthenticate],
  [INS.GET_DATA, getData],
  [INS.PUT_DATA, putData],
]);

const YUBICO: ReadonlyMap<number, CardCommandHandler> = new Map<number, CardCommandHandler>([
  ...PIV,
  [INS.GET_METADATA, getMetadata],
  [INS.GET_SERIAL, getSerial],
  [INS.ATTEST, attest],
  [INS.SET_PIN_RETRIES, setPinRetries],
  [INS.RESET, resetCard],
  [INS.GET_VERSION, getVersion],
  [INS.IMPORT_KEY, importAsymmetricKey],
  [INS.SET_MANAGEMENT_KEY, setManagementKey],
]);

const YUBICO_57: ReadonlyMap<number, CardCommandHandler> = new Map<number, CardCommandHandler>([
  ...YUBICO,
  [INS.MOVE_KEY, moveKey],
]);

/** The instruction table for a profile. */
export function commandsFor(profile: PivCardProfile): ReadonlyMap<number, CardCommandHandler> {
  if (!profile.version) return PIV;
  const only = profile.yubicoInstructions;
  if (only) return new Map([...PIV, ...[...YUBICO_57].filter(([ins]) => only.includes(ins))]);
  return profile.version[1] >= 7 ? YUBICO_57 : YUBICO;
}
