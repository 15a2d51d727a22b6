/**
 * `ApduChannel`: sends commands over a `CardTransport` as a small chain of steps, as yubikit does:
 *
 * 1. Formatting (ISO/IEC 7816-4:2020 §5.1, §5.2): one extended APDU when the transport carries them and
 *    the command needs it; otherwise short APDUs, with
 * 2. command chaining (§5.4.2): data split into pieces of at most 255 bytes, CLA b5 (0x10) set on all
 *    but the last; each piece must answer 9000, else that status ends the chain;
 * 3. response chaining (§5.6, 61xx): GET RESPONSE 00 C0 00 00 xx until the status is not 61xx, the data
 *    concatenated; bounded by `maxResponseSteps`;
 * 4. wrong Le (§5.6, 6Cxx): the command is sent again once with Ne = xx. This is the only place 6Cxx is
 *    handled; the T=0 mapping in ccid/t0.ts passes it up unchanged.
 *
 * Tracing is off unless a `trace` hook is given, and redacts secrets (see `redactedCommand`).
 */
import { toHex } from '../bytes';
import { AppError } from '../app-error';
import type { CardTransport, PinPadCommand } from '../transport/card-transport';
import { APDU_LIMITS, CLA_CHAINING, encodeCommand, needsExtended, type CommandApdu } from './command';
import { splitResponse, sw, type ResponseApdu } from './response';
import { errorForStatus } from './status';

/** Instruction bytes the channel itself uses or must recognise (ISO 7816-4 §11; SP 800-73-4 Part 2 §3.2). */
export const INS = {
  GET_RESPONSE: 0xc0,
  VERIFY: 0x20,
  CHANGE_REFERENCE_DATA: 0x24,
  RESET_RETRY_COUNTER: 0x2c,
  GENERAL_AUTHENTICATE: 0x87,
  PUT_DATA: 0xdb,
  /** YubiKey PIV extensions: IMPORT ASYMMETRIC KEY and SET MANAGEMENT KEY carry key material. */
  YK_IMPORT_KEY: 0xfe,
  YK_SET_MANAGEMENT_KEY: 0xff,
} as const;

/** PIV key reference of the card management key (SP 800-78-4 Table 6-1). */
const KEY_REF_MANAGEMENT = 0x9b;

/** Options for `ApduChannel`. */
export interface ApduChannelOptions {
  /** Receives one line per APDU ("=> …", "<= …") with secrets redacted. Off when absent. */
  readonly trace?: (line: string) => void;
  /** Most GET RESPONSE steps for one command (default 256, i.e. at least 64 KB in 256-byte pieces). */
  readonly maxResponseSteps?: number;
}

/**
 * True when a command's data must not be traced: VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER
 * (PINs/PUKs), GENERAL AUTHENTICATE with the management key (9B), PUT DATA and the YubiKey key imports.
 */
export function isSensitive(cmd: Pick<CommandApdu, 'ins' | 'p2'>): boolean {
  if (cmd.ins === INS.GENERAL_AUTHENTICATE) return cmd.p2 === KEY_REF_MANAGEMENT;
  return [
    INS.VERIFY,
    INS.CHANGE_REFERENCE_DATA,
    INS.RESET_RETRY_COUNTER,
    INS.PUT_DATA,
    INS.YK_IMPORT_KEY,
    INS.YK_SET_MANAGEMENT_KEY,
  ].includes(cmd.ins as never);
}

/** An APDU as a trace line: header and lengths kept, data replaced when `sensitive`. */
export function redactedCommand(apdu: Uint8Array, dataLength: number, sensitive: boolean): string {
  if (!sensitive || dataLength === 0) return `=> ${toHex(apdu)}`;
  return `=> ${toHex(apdu.slice(0, 4))} [${dataLength} data bytes redacted]`;
}

/** Sends command APDUs over a `CardTransport`, handling length forms, chaining, 61xx and 6Cxx. */
export class ApduChannel {
  readonly #transport: CardTransport;
  readonly #trace: ((line: string) => void) | undefined;
  readonly #maxSteps: number;

  constructor(transport: CardTransport, options: ApduChannelOptions = {}) {
    this.#transport = transport;
    this.#trace = options.trace;
    this.#maxSteps = options.maxResponseSteps ?? 256;
  }

  /**
   * Sends `cmd` and resolves with the complete response data and the final status word. Status words
   * other than 61xx/6Cxx are returned, not thrown; use `transmitOk` to require 9000.
   */
  async transmit(cmd: CommandApdu, opts: { signal?: AbortSignal } = {}): Promise<ResponseApdu> {
    const caps = this.#transport.capabilities;
    const sensitive = isSensitive(cmd);
    if (needsExtended(cmd) && caps.extendedApdu) {
      const encoded = encodeCommand(cmd, { extended: true });
      if (encoded.length <= caps.maxCommandLength) return this.#complete(cmd, true, sensitive, opts.signal);
    }
    const data = cmd.data ?? new Uint8Array(0);
    const leBytes = cmd.le === undefined ? 0 : 1;
    const piece = Math.max(1, Math.min(APDU_LIMITS.SHORT_LC, caps.maxCommandLength - 5 - leBytes));
    let offset = 0;
    while (data.length - offset > piece) {
      const part = {
        cla: cmd.cla | CLA_CHAINING,
        ins: cmd.ins,
        p1: cmd.p1,
        p2: cmd.p2,
        data: data.slice(offset, offset + piece),
      };
      const r = await this.#send(encodeCommand(part, { extended: false }), part.data.length, sensitive, opts.signal);
      if (r.sw !== 0x9000) return r;
      offset += piece;
    }
    // Ne above 256 cannot be said in short form: ask for 256 (Le 00) and let 61xx bring the rest.
    const le = cmd.le === undefined ? undefined : Math.min(cmd.le, APDU_LIMITS.SHORT_NE);
    const last = { ...cmd, data: data.slice(offset), ...(le === undefined ? {} : { le }) };
    return this.#complete(last, false, sensitive, opts.signal);
  }

  /** What the reader's keypad takes, where the transport has one (`enterPin`); undefined otherwise. */
  get pinPad(): { readonly verify: boolean; readonly modify: boolean } | undefined {
    const pad = this.#transport.pinPad;
    return pad && { verify: pad.verify, modify: pad.modify };
  }

  /**
   * Sends `command` through the reader's keypad: the holder types the PIN there and the reader completes
   * the command. Traced with its data redacted like every PIN command (it may carry a PUK); the response
   * is returned as is (PIN commands answer a status word only). `NO_PIN_PAD` where the reader has none.
   */
  async enterPin(command: PinPadCommand, opts: { signal?: AbortSignal } = {}): Promise<ResponseApdu> {
    const pad = this.#transport.pinPad;
    if (!pad || !(command.operation === 'verify' ? pad.verify : pad.modify))
      throw new AppError('apdu', 'NO_PIN_PAD', `The reader cannot take a PIN ${command.operation} on its keypad`, {
        operation: command.operation,
      });
    this.#trace?.(`${redactedCommand(command.apdu, command.apdu.length - 5, true)} (PIN typed on the reader)`);
    const r = splitResponse(await pad.enterPin(command, opts.signal ? { signal: opts.signal } : undefined));
    this.#trace?.(`<= ${sw.toHex(r.sw)}`);
    return r;
  }

  /** Like `transmit`, but resolves with the data only on 9000 and throws `errorForStatus(sw)` otherwise. */
  async transmitOk(cmd: CommandApdu, opts: { signal?: AbortSignal } = {}): Promise<Uint8Array> {
    const r = await this.transmit(cmd, opts);
    if (r.sw !== 0x9000) throw errorForStatus(r.sw);
    return r.data;
  }

  /** Sends the final (or only) command, then handles 6Cxx once and 61xx until done. */
  async #complete(
    cmd: CommandApdu,
    extended: boolean,
    sensitive: boolean,
    signal?: AbortSignal,
  ): Promise<ResponseApdu> {
    const dataLength = cmd.data?.length ?? 0;
    let r = await this.#send(encodeCommand(cmd, { extended }), dataLength, sensitive, signal);
    if (sw.isWrongLe(r.sw)) {
      const ne = sw.sw2(r.sw) || 256;
      r = await this.#send(encodeCommand({ ...cmd, le: ne }, { extended }), dataLength, sensitive, signal);
    }
    const parts = [r.data];
    for (let steps = 0; sw.isBytesRemaining(r.sw); steps++) {
      if (steps >= this.#maxSteps) {
        throw new AppError(
          'apdu',
          'RESPONSE_CHAIN_TOO_LONG',
          `still 61xx after ${this.#maxSteps} GET RESPONSE commands`,
          { sw: r.sw },
        );
      }
      const getResponse = { cla: 0x00, ins: INS.GET_RESPONSE, p1: 0x00, p2: 0x00, le: sw.sw2(r.sw) || 256 };
      r = await this.#send(encodeCommand(getResponse, { extended: false }), 0, sensitive, signal);
      parts.push(r.data);
    }
    const data = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((at, p) => (data.set(p, at), at + p.length), 0);
    return { data, sw: r.sw };
  }

  async #send(apdu: Uint8Array, dataLength: number, sensitive: boolean, signal?: AbortSignal): Promise<ResponseApdu> {
    this.#trace?.(redactedCommand(apdu, dataLength, sensitive));
    const r = splitResponse(await this.#transport.transmit(apdu, signal ? { signal } : undefined));
    this.#trace?.(
      `<= ${sensitive && r.data.length > 0 ? `[${r.data.length} data bytes redacted] ` : toHex(r.data)}${sw.toHex(r.sw)}`,
    );
    return r;
  }
}
