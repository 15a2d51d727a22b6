/**
 * The cards one connection (session.ts) holds: a handle per `connect`, and the requests on it (transmit,
 * the reader's GET_FEATURE_REQUEST control, a PIN on the reader's keypad, begin/end, disconnect).
 *
 * Transactions: `begin` takes the card exclusively (card-access.ts says why and how) and `end` shares it
 * again. That keeps *every* other PC/SC client out, in this bridge or not, which is what an issuance
 * needs: another program's SELECT in between would drop the card's security status. `exclusive` connects
 * are enforced between the bridge's own clients as well (card-access.ts's ReaderLocks).
 */
import { toHex } from '../src/bytes';
import { isAppError } from '../src/app-error';
import type { Logger } from '../relay/log';
import {
  CONTROL_GET_FEATURE_REQUEST,
  CONTROL_MAX_RESPONSE_BYTES,
  PIN_PAD_ANSWER_BYTES,
  type ShareMode,
} from '../src/transport/pcsc-bridge-protocol';
import { holdForTransaction, Refusal, scardCtlCode, type ReaderLocks } from './card-access';
import { pinControlCode, pinPadOf, readPinFeatures } from './pin-pad';
import type { PcscCard, PcscService } from './pcsc';

interface Handle {
  readonly reader: string;
  readonly mode: ShareMode;
  readonly card: PcscCard;
  /** Inside `begin` … `end`: the card is held exclusively for the transaction. */
  inTransaction: boolean;
  /** The reader's PIN features' control codes (GET_FEATURE_REQUEST, PC/SC Part 10 §2.3), by tag. */
  features: Map<number, number>;
}

/** What a connection's cards need from the bridge. */
export interface CardHandlesDeps<Client> {
  readonly service: () => PcscService;
  /** The per-reader locks shared by all connections; `Client` is the connection holding them. */
  readonly locks: ReaderLocks<Client>;
  readonly logger: Logger;
  /** The page origin the connection claims, for the log. */
  readonly origin: string;
}

/** The card handles of one connection, `client` in the shared reader locks. */
export class CardHandles<Client> {
  readonly #client: Client;
  readonly #d: CardHandlesDeps<Client>;
  readonly #handles = new Map<number, Handle>();
  #nextHandle = 1;

  constructor(client: Client, deps: CardHandlesDeps<Client>) {
    this.#client = client;
    this.#d = deps;
  }

  /** Connects to the card in `reader`, unless another client's connection rules `mode` out. */
  async connect(reader: string, mode: ShareMode): Promise<unknown> {
    this.#d.locks.check(this.#client, reader, mode);
    const card = await this.#d.service().connect(reader, mode);
    const handle = this.#nextHandle++;
    const features = await readPinFeatures(card);
    this.#handles.set(handle, { reader, mode, card, inTransaction: false, features });
    this.#d.locks.hold(this.#client, reader, mode);
    this.#d.logger.info('bridge card connected', { origin: this.#d.origin, reader, mode, protocol: card.protocol });
    return { handle, atr: toHex(card.atr), protocol: card.protocol, ...pinPadOf(features) };
  }

  /**
   * A PIN typed on the reader's keypad: the structure goes to the control code the reader announced for
   * FEATURE_VERIFY_PIN_DIRECT / FEATURE_MODIFY_PIN_DIRECT (PC/SC Part 10 §2.3), only when it carries a PIN
   * command (pcsc-pin-pad.ts), and only a status word comes back. The log says which feature and the status
   * word, never the structure.
   */
  async pinPad(handle: number, feature: 'verify' | 'modify', data: Uint8Array): Promise<{ response: string }> {
    const h = this.#handle(handle);
    const code = pinControlCode(h.reader, h.features, feature, data);
    const response = await h.card.control(code, data).catch((e: unknown) => this.#dropIfDead(handle, e));
    const sw = response.length >= 2 ? toHex(response.slice(-2)) : 'none';
    this.#d.logger.info('pin pad', {
      reader: h.reader,
      feature,
      dataLength: data.length,
      responseLength: response.length,
      sw,
    });
    if (response.length !== PIN_PAD_ANSWER_BYTES)
      throw new Refusal(
        'PIN_PAD_ANSWER_INVALID',
        `The reader answered the PIN entry with ${response.length} bytes where a status word (${PIN_PAD_ANSWER_BYTES}) belongs.`,
      );
    return { response: toHex(response) };
  }

  /** Sends one APDU to the card; the log has its length and status word, never its data. */
  async transmit(handle: number, apdu: Uint8Array): Promise<{ response: string }> {
    const h = this.#handle(handle);
    const response = await h.card.transmit(apdu).catch((e: unknown) => this.#dropIfDead(handle, e));
    const sw = response.length >= 2 ? toHex(response.slice(-2)) : 'none';
    this.#d.logger.info('apdu', { reader: h.reader, commandLength: apdu.length, responseLength: response.length, sw });
    return { response: toHex(response) };
  }

  /**
   * Only CCID GET_FEATURE_REQUEST (PC/SC Part 10 §2.2), with no input and a bounded answer: the one control
   * a PIN-pad reader needs. Any other control code could reach reader firmware functions the app never uses.
   */
  async control(handle: number, code: number, data: Uint8Array): Promise<{ response: string }> {
    if (code !== CONTROL_GET_FEATURE_REQUEST || data.length !== 0)
      throw new Refusal(
        'CONTROL_REFUSED',
        'The bridge forwards no reader control but GET_FEATURE_REQUEST (3400), without data.',
      );
    const h = this.#handle(handle);
    const response = await h.card.control(scardCtlCode(code), data).catch((e: unknown) => this.#dropIfDead(handle, e));
    if (response.length > CONTROL_MAX_RESPONSE_BYTES)
      throw new Refusal(
        'CONTROL_REFUSED',
        `The reader's feature list is longer than ${CONTROL_MAX_RESPONSE_BYTES} bytes.`,
      );
    this.#d.logger.info('control', {
      reader: h.reader,
      code,
      dataLength: data.length,
      responseLength: response.length,
    });
    return { response: toHex(response) };
  }

  /** Starts a transaction: the card is held exclusively until `end` (a no-op on an exclusive connect). */
  async begin(handle: number): Promise<Record<string, never>> {
    const h = this.#handle(handle);
    if (h.inTransaction || h.mode === 'exclusive') return {};
    await holdForTransaction(h.card, h.reader).catch((e: unknown) => this.#dropIfDead(handle, e));
    h.inTransaction = true;
    return {};
  }

  /** Ends the transaction: the card is shared again. */
  async end(handle: number): Promise<Record<string, never>> {
    const h = this.#handle(handle);
    if (!h.inTransaction) return {};
    h.inTransaction = false;
    await h.card.exclusive(false).catch((e: unknown) => this.#dropIfDead(handle, e));
    return {};
  }

  /** Disconnects the card of `handle`, if it is still connected. */
  disconnect(handle: number): Record<string, never> {
    if (this.#handles.has(handle)) this.#drop(handle);
    return {};
  }

  /** Disconnects every card and drops every lock (the connection closed). */
  release(): void {
    for (const h of this.#handles.values()) h.card.disconnect();
    this.#handles.clear();
    this.#d.locks.release(this.#client);
  }

  #handle(handle: number): Handle {
    const h = this.#handles.get(handle);
    if (!h) throw new Refusal('UNKNOWN_HANDLE', 'No such card connection (it was closed, or the card was removed).');
    return h;
  }

  /**
   * Rethrows `e`, first forgetting the handle when the card was pulled or pcscd stopped: PC/SC handles do
   * not survive either (a restarted pcscd does not know them), so the page must connect again.
   */
  #dropIfDead(handle: number, e: unknown): never {
    if (isAppError(e, 'bridge', 'CARD_REMOVED') || isAppError(e, 'bridge', 'SERVICE_NOT_RUNNING')) this.#drop(handle);
    throw e;
  }

  #drop(handle: number): void {
    const h = this.#handles.get(handle)!;
    this.#handles.delete(handle);
    h.card.disconnect();
    if (![...this.#handles.values()].some((o) => o.reader === h.reader)) this.#d.locks.release(this.#client, h.reader);
  }
}
