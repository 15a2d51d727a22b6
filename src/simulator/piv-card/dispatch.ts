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

/** Which cards answer an instruction: every PIV card, YubiKeys, or YubiKeys from firmware 5.7 on. */
type AnsweredBy = 'piv' | 'yubico' | 'yubico-5.7';

/** Each instruction the card knows, its handler, and which cards answer it. */
const COMMANDS: readonly (readonly [ins: number, handler: CardCommandHandler, by: AnsweredBy])[] = [
  [INS.VERIFY, verify, 'piv'],
  [INS.CHANGE_REFERENCE_DATA, changeReference, 'piv'],
  [INS.RESET_RETRY_COUNTER, resetRetryCounter, 'piv'],
  [INS.GENERATE_ASYMMETRIC_KEY_PAIR, generateKeyPair, 'piv'],
  [INS.GENERAL_AUTHENTICATE, generalAuthenticate, 'piv'],
  [INS.GET_DATA, getData, 'piv'],
  [INS.PUT_DATA, putData, 'piv'],
  [INS.GET_METADATA, getMetadata, 'yubico'],
  [INS.GET_SERIAL, getSerial, 'yubico'],
  [INS.ATTEST, attest, 'yubico'],
  [INS.SET_PIN_RETRIES, setPinRetries, 'yubico'],
  [INS.RESET, resetCard, 'yubico'],
  [INS.GET_VERSION, getVersion, 'yubico'],
  [INS.IMPORT_KEY, importAsymmetricKey, 'yubico'],
  [INS.SET_MANAGEMENT_KEY, setManagementKey, 'yubico'],
  [INS.MOVE_KEY, moveKey, 'yubico-5.7'],
];

/** The instructions that the cards named in `by` answer, with their handlers. */
const answeredBy = (...by: AnsweredBy[]): ReadonlyMap<number, CardCommandHandler> =>
  new Map(COMMANDS.filter((c) => by.includes(c[2])).map(([ins, handler]) => [ins, handler]));

const PIV = answeredBy('piv');
const YUBICO = answeredBy('piv', 'yubico');
const YUBICO_57 = answeredBy('piv', 'yubico', 'yubico-5.7');

/** The instruction table for a profile. */
export function commandsFor(profile: PivCardProfile): ReadonlyMap<number, CardCommandHandler> {
  if (!profile.version) return PIV;
  const only = profile.yubicoInstructions;
  if (only) return new Map([...PIV, ...[...YUBICO_57].filter(([ins]) => only.includes(ins))]);
  return profile.version[1] >= 7 ? YUBICO_57 : YUBICO;
}
