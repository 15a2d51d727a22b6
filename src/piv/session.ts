/**
 * `PivSession`: the one place in piv/ that does I/O. Each method sends pure commands (select.ts, pin.ts,
 * management-key.ts, keys.ts, data-object.ts, yubikey.ts) through an `ApduChannel` and returns their
 * parsed results; status words become `AppError('piv', …)` in the commands' parsers (errors.ts).
 *
 * It holds no secret beyond the duration of a call: PINs, PUKs and keys are passed in and dropped.
 */
import type { ApduChannel } from '../apdu/channel';
import { decodeCertificateObject, encodeCertificateObject } from './certificate-object';
import { decodeChuid, encodeChuid, type Chuid } from './chuid';
import { decodeCccCardId, decodeDiscovery, encodeCcc, type Discovery } from './card-objects';
import type { PivCommand } from './command';
import {
  KEY_REF,
  OBJECT_TAG,
  type KeyAlgorithm,
  type ManagementKeyAlgorithm,
  type PinPolicy,
  type TouchPolicy,
} from './constants';
import { randomBytes } from './crypto/block-cipher';
import { certificateObjectTag, getData, putData } from './data-object';
import { pivError } from './errors';
import { EC_FIELD_BYTES, ecdsaDerToRaw, generateKey, signChallenge, signingChallenge } from './keys';
import { setManagementKey, type ManagementKeyTouch } from './management-key';
import {
  authenticateManagementKey,
  authenticateWithResponder,
  type ManagementKeyResponder,
} from './management-key-auth';
import { PinOnReader } from './pin-on-reader';
import { changePin, changePuk, getPinStatus, unblockPin, verifyPin, type PinStatus } from './pin';
import { toCryptoKey, toSpki, type CardPublicKey } from './public-key';
import { selectPiv, type ApplicationProperties } from './select';
import {
  attest,
  getMetadata,
  getSerial,
  getVersion,
  resetPiv,
  setPinRetries,
  type FirmwareVersion,
  type SlotMetadata,
} from './yubikey';

/** A freshly generated key: the card's encoding, its SPKI DER and, where WebCrypto supports it, a `CryptoKey`. */
export interface GeneratedKey {
  readonly publicKey: CardPublicKey;
  readonly spki: Uint8Array;
  readonly cryptoKey: CryptoKey | undefined;
}

/** A PIV card application reached over an `ApduChannel`. Call `select()` first (or use `PivSession.open`). */
export class PivSession {
  readonly #channel: ApduChannel;

  constructor(channel: ApduChannel) {
    this.#channel = channel;
  }

  /** Creates a session and selects the PIV application. Throws `NOT_PIV` when the card has none. */
  static async open(channel: ApduChannel): Promise<{ session: PivSession; properties: ApplicationProperties }> {
    const session = new PivSession(channel);
    return { session, properties: await session.select() };
  }

  async #run<A, R>(command: PivCommand<A, R>, args: A): Promise<R> {
    return command.parseResponse(await this.#channel.transmit(command.getApdu(args)));
  }

  /** SELECT the PIV application; resolves with its application property template. */
  select(): Promise<ApplicationProperties> {
    return this.#run(selectPiv, undefined);
  }

  /** GET DATA of a data object; the contents of its 53/7E wrapper. `NOT_FOUND` when absent. */
  readObject(tag: number): Promise<Uint8Array> {
    return this.#run(getData, tag);
  }

  /** PUT DATA of a data object (needs management-key authentication). */
  writeObject(tag: number, value: Uint8Array): Promise<void> {
    return this.#run(putData, { tag, value });
  }

  /**
   * Deletes a data object (after `authenticate`): PUT DATA with an empty 53. SP 800-73-4 Part 2 §3.3.1
   * defines no delete; an empty value is how yubikit's `delete_certificate` does it (GET DATA then 6A82).
   */
  deleteObject(tag: number): Promise<void> {
    return this.writeObject(tag, new Uint8Array(0));
  }

  /** Reads the CHUID (5FC102). */
  async readChuid(): Promise<Chuid> {
    return decodeChuid(await this.readObject(OBJECT_TAG.CHUID));
  }

  /** Writes the CHUID (5FC102); the GUID is the holder's Entra object id. */
  writeChuid(chuid: Chuid): Promise<void> {
    return this.writeObject(OBJECT_TAG.CHUID, encodeChuid(chuid));
  }

  /** Reads the CCC's card identifier (hex). */
  async readCccCardId(): Promise<string> {
    return decodeCccCardId(await this.readObject(OBJECT_TAG.CCC));
  }

  /** Writes a CCC with a 14-byte unique card id (random when not given). */
  writeCcc(uniqueId: Uint8Array = randomBytes(14)): Promise<void> {
    return this.writeObject(OBJECT_TAG.CCC, encodeCcc(uniqueId));
  }

  /** Reads the Discovery object (7E). */
  async readDiscovery(): Promise<Discovery> {
    return decodeDiscovery(await this.readObject(OBJECT_TAG.DISCOVERY));
  }

  /** Reads the certificate of `slot` (DER; gunzipped when stored compressed). `NOT_FOUND` when empty. */
  async readCertificate(slot: number): Promise<Uint8Array> {
    return (await decodeCertificateObject(await this.readObject(certificateObjectTag(slot)))).certificate;
  }

  /** Writes a DER certificate into `slot`'s certificate object, gzip'd when `compress`. */
  async writeCertificate(
    slot: number,
    certificateDer: Uint8Array,
    options: { compress?: boolean } = {},
  ): Promise<void> {
    await this.writeObject(certificateObjectTag(slot), await encodeCertificateObject(certificateDer, options));
  }

  /** VERIFY the PIN. Wrong → `PIN_INVALID` `{ retriesLeft }`; blocked → `PIN_BLOCKED`. */
  verifyPin(pin: string): Promise<void> {
    return this.#run(verifyPin, pin);
  }

  /** The PIN commands with the PIN typed on the reader's keypad (`takes` is undefined where it has none). */
  get onReader(): PinOnReader {
    return new PinOnReader(this.#channel);
  }

  /** Whether the PIN is verified, else its tries left (VERIFY without data; consumes no try). */
  getPinStatus(): Promise<PinStatus> {
    return this.#run(getPinStatus, undefined);
  }

  /** CHANGE REFERENCE DATA for the PIN. */
  changePin(current: string, next: string): Promise<void> {
    return this.#run(changePin, { current, next });
  }

  /** CHANGE REFERENCE DATA for the PUK. */
  changePuk(current: string, next: string): Promise<void> {
    return this.#run(changePuk, { current, next });
  }

  /** RESET RETRY COUNTER: unblocks the PIN with the PUK and sets `newPin`. */
  unblockPin(puk: string, newPin: string): Promise<void> {
    return this.#run(unblockPin, { puk, newPin });
  }

  /**
   * Authenticates with the card management key (9B). `mutual` (default) also checks that the card knows
   * the key; `external` is the one-way variant. Wrong key → `AUTH_FAILED`.
   */
  async authenticate(
    key: Uint8Array,
    algorithm: ManagementKeyAlgorithm = 'TDES',
    mode: 'mutual' | 'external' = 'mutual',
  ): Promise<void> {
    return authenticateManagementKey((command, args) => this.#run(command, args), key, algorithm, mode);
  }

  /** Mutual authentication with a management key held by `responder` (the relay), not in this page. */
  async authenticateWith(responder: ManagementKeyResponder, algorithm: ManagementKeyAlgorithm): Promise<void> {
    return authenticateWithResponder((command, args) => this.#run(command, args), responder, algorithm);
  }

  /** Yubico SET MANAGEMENT KEY (after `authenticate`). */
  setManagementKey(
    algorithm: ManagementKeyAlgorithm,
    key: Uint8Array,
    touch: ManagementKeyTouch = 'never',
  ): Promise<void> {
    return this.#run(setManagementKey, { algorithm, key, touch });
  }

  /** GENERATE ASYMMETRIC KEY PAIR in `slot` (after `authenticate`). */
  async generateKey(
    slot: number,
    algorithm: KeyAlgorithm,
    policy: { pinPolicy?: PinPolicy; touchPolicy?: TouchPolicy } = {},
  ): Promise<GeneratedKey> {
    const publicKey = await this.#run(generateKey(algorithm), { slot, algorithm, ...policy });
    return { publicKey, spki: toSpki(publicKey), cryptoKey: await toCryptoKey(publicKey) };
  }

  /**
   * Signs with the key in `slot` (PIN verified first as its policy requires):
   * RSA — `input` is the DER DigestInfo, padded here (PKCS#1 v1.5) to the modulus; the raw signature returns.
   * ECDSA — `input` is the hash, fitted to the curve; the DER ECDSA-Sig-Value returns (`ecdsaDerToRaw` for WebCrypto).
   * Ed25519 — `input` is the message; the 64-byte signature returns.
   */
  async sign(slot: number, algorithm: KeyAlgorithm, input: Uint8Array): Promise<Uint8Array> {
    return this.#run(signChallenge, { slot, algorithm, challenge: signingChallenge(algorithm, input) });
  }

  /** ECDSA signature as WebCrypto's r ‖ s (see `sign`). */
  async signEcdsaRaw(slot: number, algorithm: 'ECCP256' | 'ECCP384', hash: Uint8Array): Promise<Uint8Array> {
    return ecdsaDerToRaw(await this.sign(slot, algorithm, hash), EC_FIELD_BYTES[algorithm]!);
  }

  /** YubiKey firmware version. */
  getVersion(): Promise<FirmwareVersion> {
    return this.#run(getVersion, undefined);
  }

  /** YubiKey serial number. */
  getSerial(): Promise<number> {
    return this.#run(getSerial, undefined);
  }

  /** YubiKey GET METADATA for a slot, 9B, 80 or 81. */
  getMetadata(reference: number): Promise<SlotMetadata> {
    return this.#run(getMetadata, reference);
  }

  /** PUK tries left, from GET METADATA 81 (YubiKey 5.3+; `NOT_SUPPORTED` elsewhere). */
  async getPukRetries(): Promise<number> {
    const m = await this.getMetadata(KEY_REF.PUK);
    if (!m.retries) throw pivError('RESPONSE_INVALID', 'PUK metadata carries no retry counter');
    return m.retries.remaining;
  }

  /** SET PIN RETRIES (after `authenticate` and `verifyPin`); PIN and PUK return to their defaults. */
  setPinRetries(pinTries: number, pukTries: number): Promise<void> {
    return this.#run(setPinRetries, { pinTries, pukTries });
  }

  /** Yubico ATTEST: the attestation certificate of the key generated in `slot`. */
  attest(slot: number): Promise<Uint8Array> {
    return this.#run(attest, slot);
  }

  /** Yubico RESET of the PIV application (PIN and PUK must be blocked). */
  reset(): Promise<void> {
    return this.#run(resetPiv, undefined);
  }
}
