/**
 * The bulk pipe of one CCID reader: one command in flight at a time, one instance-owned bSeq, stale
 * replies skipped (bounded), time extensions waited out, and the Abort sequence on cancellation
 * (CCID rev 1.1 §5.3.1, §6.1.13, §6.2.6).
 */
import { AppError, isAppError } from '../app-error';
import { u32le } from './descriptor';
import type { CcidEndpoint } from './descriptor-config';
import { abort as abortMessage, CCID_HEADER_LENGTH, type Address } from './messages';
import { COMMAND_STATUS, parseReply, type CcidReply } from './messages-reply';
import { replyError } from './reader-errors';
import { race, signalError } from './reader-signal';
import { bytesOf, type UsbDeviceLike, type UsbFailureContext } from './reader-usb';

/** CCID class-specific requests (CCID rev 1.1 §5.3, Table 5.3-1). */
export const CCID_REQUEST = { ABORT: 0x01, GET_CLOCK_FREQUENCIES: 0x02, GET_DATA_RATES: 0x03 } as const;

/** Replies with another bSeq tolerated in a row before the pipe gives up on one command. */
export const MAX_STALE_REPLIES = 4;
/** How long the Abort sequence may take before the pipe stops waiting for it. */
const ABORT_GRACE_MS = 2000;
/**
 * Longest silence on bulk-in while a command is outstanding. WebUSB transfers never time out by
 * themselves, and a reader must send time extensions while the card works (§6.2.6), so silence this
 * long means the reader is stuck.
 */
export const DEFAULT_SILENCE_TIMEOUT_MS = 30_000;

export interface PipeConfig {
  readonly device: UsbDeviceLike;
  readonly interfaceNumber: number;
  readonly bulkIn: CcidEndpoint;
  readonly bulkOut: CcidEndpoint;
  readonly maxMessageLength: number;
  /** Wraps a rejected USB call into the error callers see. */
  readonly usbError: (error: unknown, operation: UsbFailureContext['operation']) => Error;
  /** See DEFAULT_SILENCE_TIMEOUT_MS. */
  readonly silenceTimeoutMs?: number;
}

/** The bulk-out/bulk-in pair, serialised: a CCID reader answers commands in order (§6). */
export class BulkPipe {
  private seq = 0;
  private lock: Promise<unknown> = Promise.resolve();
  private pendingRead: Promise<Uint8Array> | null = null;
  private readonly readLength: number;

  constructor(private readonly config: PipeConfig) {
    this.readLength = Math.max(config.maxMessageLength, CCID_HEADER_LENGTH + 261);
  }

  /**
   * Sends one PC_to_RDR message built for the next bSeq and resolves with its reply. Replies for other
   * bSeq/slot values are skipped (up to MAX_STALE_REPLIES), time extensions are waited out, and a failed
   * bmCommandStatus becomes the mapped `AppError`. On `signal` abort the reader is told to Abort.
   */
  transact(
    slot: number,
    build: (a: Address) => Uint8Array<ArrayBuffer>,
    command: string,
    signal?: AbortSignal,
  ): Promise<CcidReply> {
    const run = this.lock.then(() => this.exchange(slot, build, command, signal));
    this.lock = run.catch(() => undefined);
    return run;
  }

  private nextSeq(): number {
    const seq = this.seq;
    this.seq = (this.seq + 1) & 0xff;
    return seq;
  }

  private async exchange(
    slot: number,
    build: (a: Address) => Uint8Array<ArrayBuffer>,
    command: string,
    signal?: AbortSignal,
  ): Promise<CcidReply> {
    if (signal?.aborted) throw signalError(signal, command);
    const seq = this.nextSeq();
    await this.send(build({ slot, seq }));
    try {
      const reply = await this.awaitReply(slot, seq, command, signal);
      const error = replyError(reply, command);
      if (error) throw error;
      return reply;
    } catch (e) {
      if (isAppError(e, 'ccid', 'TIMEOUT') || isAppError(e, 'ccid', 'ABORTED')) await this.abortSlot(slot);
      throw e;
    }
  }

  private async send(message: Uint8Array<ArrayBuffer>): Promise<void> {
    let result: USBOutTransferResult;
    try {
      result = await this.config.device.transferOut(this.config.bulkOut.number, message);
    } catch (e) {
      throw this.config.usbError(e, 'transferOut');
    }
    if (result.status !== 'ok') {
      await this.config.device.clearHalt('out', this.config.bulkOut.number).catch(() => undefined);
      throw new AppError('ccid', 'USB_TRANSFER_FAILED', `Bulk-out transfer ended with ${result.status}`, {
        status: result.status,
      });
    }
  }

  /** Reads replies until the one for (slot, seq) arrives and is not a time extension (§6.2.6). */
  private async awaitReply(slot: number, seq: number, command: string, signal?: AbortSignal): Promise<CcidReply> {
    let stale = 0;
    const silence = this.config.silenceTimeoutMs ?? DEFAULT_SILENCE_TIMEOUT_MS;
    for (;;) {
      // Every reply, a time extension included, restarts the silence timer. A cleared setTimeout rather
      // than AbortSignal.timeout(): the latter's timers are reclaimed only after several GCs, which at one
      // per reply grows the heap by tens of MB per 100k APDUs (measured by bench/ccid-heap.ts).
      const quiet = new AbortController();
      const timer = setTimeout(
        () => quiet.abort(new DOMException(`${command}: reader silent for ${silence} ms`, 'TimeoutError')),
        silence,
      );
      let reply: CcidReply;
      try {
        reply = parseReply(
          await this.readReply(command, signal ? AbortSignal.any([signal, quiet.signal]) : quiet.signal),
        );
      } finally {
        clearTimeout(timer);
      }
      if (reply.seq !== seq || reply.slot !== slot) {
        stale += 1;
        if (stale > MAX_STALE_REPLIES) {
          throw new AppError('ccid', 'BAD_SEQUENCE', `${command}: ${stale} replies in a row carried the wrong bSeq`, {
            expected: seq,
            got: reply.seq,
          });
        }
        continue;
      }
      // Time extension: the card asked for more time; bError holds the BWT multiplier. Keep waiting.
      if (reply.commandStatus === COMMAND_STATUS.TIME_EXTENSION) continue;
      return reply;
    }
  }

  /** One bulk-in read; an unfinished read survives cancellation so the next reader picks its bytes up. */
  private async readReply(command: string, signal?: AbortSignal): Promise<Uint8Array> {
    if (!this.pendingRead) {
      const read = this.readMessage();
      read.catch(() => undefined);
      this.pendingRead = read;
    }
    const read = this.pendingRead;
    try {
      const bytes = await race(read, signal, command);
      this.pendingRead = null;
      return bytes;
    } catch (e) {
      if (!signal?.aborted) this.pendingRead = null;
      throw e;
    }
  }

  /** Reads one whole message, continuing while dwLength says more bytes are due (§6.2). */
  private async readMessage(): Promise<Uint8Array> {
    let message = await this.transferIn();
    while (message.length >= CCID_HEADER_LENGTH && message.length < CCID_HEADER_LENGTH + u32le(message, 1)) {
      const more = await this.transferIn();
      if (more.length === 0) break;
      const joined = new Uint8Array(message.length + more.length);
      joined.set(message);
      joined.set(more, message.length);
      message = joined;
    }
    return message;
  }

  private async transferIn(): Promise<Uint8Array> {
    let result: USBInTransferResult;
    try {
      result = await this.config.device.transferIn(this.config.bulkIn.number, this.readLength);
    } catch (e) {
      throw this.config.usbError(e, 'transferIn');
    }
    if (result.status !== 'ok') {
      if (result.status === 'stall')
        await this.config.device.clearHalt('in', this.config.bulkIn.number).catch(() => undefined);
      throw new AppError('ccid', 'USB_TRANSFER_FAILED', `Bulk-in transfer ended with ${result.status}`, {
        status: result.status,
      });
    }
    return bytesOf(result);
  }

  /**
   * The Abort sequence (CCID rev 1.1 §5.3.1): class request ABORT with wValue = bSeq<<8 | bSlot, then
   * PC_to_RDR_Abort with the same bSlot and bSeq; the reader answers with RDR_to_PC_SlotStatus, after
   * the aborted command's own reply. Failures here are swallowed: the caller already has its error.
   */
  private async abortSlot(slot: number): Promise<void> {
    const seq = this.nextSeq();
    const grace = AbortSignal.timeout(ABORT_GRACE_MS);
    try {
      await this.config.device.controlTransferOut({
        requestType: 'class',
        recipient: 'interface',
        request: CCID_REQUEST.ABORT,
        value: (seq << 8) | slot,
        index: this.config.interfaceNumber,
      });
      await this.send(abortMessage({ slot, seq }));
      await this.awaitReply(slot, seq, 'Abort', grace);
    } catch {
      // The reader did not confirm the abort; later commands still skip its stale replies.
    }
  }

  /** Reads a class request's list of dwords: GET_CLOCK_FREQUENCIES / GET_DATA_RATES (CCID rev 1.1 §5.3.2, §5.3.3). */
  async readDwordList(request: number, count: number): Promise<number[]> {
    if (count === 0) return [];
    try {
      const r = await this.config.device.controlTransferIn(
        { requestType: 'class', recipient: 'interface', request, value: 0, index: this.config.interfaceNumber },
        count * 4,
      );
      const bytes = bytesOf(r);
      if (r.status !== 'ok') return [];
      return Array.from({ length: Math.floor(bytes.length / 4) }, (_, i) => u32le(bytes, i * 4));
    } catch {
      return [];
    }
  }
}
