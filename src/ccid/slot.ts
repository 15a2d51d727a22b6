/**
 * One slot of a CCID reader: a queue so one exchange runs at a time, power on with voltage selection
 * (CCID rev 1.1 §6.1.1), parameters (§6.1.5–§6.1.7), and the exchange level chosen from dwFeatures.
 */
import { AppError, isAppError } from '../app-error';
import type { CcidDescriptor } from './descriptor';
import * as msg from './messages';
import type { CcidReply } from './messages-reply';
import type { BulkPipe } from './reader-pipe';
import { createApduExchange } from './slot-apdu';
import { setupTpdu } from './slot-tpdu';

/** What the path through this slot can carry (the shape of `TransportCapabilities` in src/transport/). */
export interface ExchangeCapabilities {
  readonly extendedApdu: boolean;
  readonly maxCommandLength: number;
  readonly maxResponseLength: number;
}

/** A powered card: its ATR, the protocol in use, and an APDU exchange bound to this power cycle. */
export interface CardSession {
  readonly atr: Uint8Array;
  /** 0 or 1 at TPDU level; null when the reader runs the protocol itself (APDU levels). */
  readonly protocol: 0 | 1 | null;
  readonly capabilities: ExchangeCapabilities;
  transmit(apdu: Uint8Array, options?: { signal?: AbortSignal }): Promise<Uint8Array>;
  /**
   * Present when the reader has a PIN pad (bPINSupport) and runs the protocol itself (APDU levels):
   * sends PC_to_RDR_Secure (§6.1.11) with `abData` (pin-pad.ts builds it), the reader completes the APDU
   * with the PIN typed on its keypad, and this resolves with the card's response APDU. The reader's
   * timeout and the holder's cancel arrive as `ccid` `PIN_TIMEOUT` / `PIN_CANCELLED` (bError F0 / EF).
   */
  enterPin?(abData: Uint8Array, options?: { signal?: AbortSignal }): Promise<Uint8Array>;
}

/** Low-level per-slot operations the exchange levels build on. */
export interface SlotIo {
  readonly slot: number;
  readonly descriptor: CcidDescriptor;
  /** Supported data rates / clocks from GET_DATA_RATES / GET_CLOCK_FREQUENCIES (§5.3), possibly empty. */
  readonly dataRates: readonly number[];
  readonly clocksKhz: readonly number[];
  /** PC_to_RDR_XfrBlock → RDR_to_PC_DataBlock (§6.1.4, §6.2.1). */
  xfrBlock(
    data: Uint8Array,
    levelParameter: number,
    signal?: AbortSignal,
    bwi?: number,
  ): Promise<Extract<CcidReply, { type: 'DataBlock' }>>;
  setParameters(p: msg.ProtocolParameters, signal?: AbortSignal): Promise<msg.ProtocolParameters | null>;
  getParameters(signal?: AbortSignal): Promise<msg.ProtocolParameters | null>;
  /** PC_to_RDR_Secure (§6.1.11) → RDR_to_PC_DataBlock; `abData` = bPINOperation ‖ PIN data structure. */
  secure(abData: Uint8Array, signal?: AbortSignal): Promise<Extract<CcidReply, { type: 'DataBlock' }>>;
}

/** Options for `CcidSlot.powerOn`. */
export interface PowerOnOptions {
  readonly signal?: AbortSignal;
  /** Preferred protocol at TPDU level when the card offers both (default T=1). */
  readonly preferProtocol?: 0 | 1;
}

/** Voltage order when the reader does not select it: 5 V, 3 V, then 1.8 V, the order libccid uses. */
function powerSelections(d: CcidDescriptor): number[] {
  if (d.auto.voltage) return [msg.POWER_SELECT.AUTOMATIC];
  const order: number[] = [];
  if (d.voltageSupport.v5) order.push(msg.POWER_SELECT.V5_0);
  if (d.voltageSupport.v3) order.push(msg.POWER_SELECT.V3_0);
  if (d.voltageSupport.v1_8) order.push(msg.POWER_SELECT.V1_8);
  return order.length > 0 ? order : [msg.POWER_SELECT.AUTOMATIC];
}

/** One reader slot. Obtain it from `CcidReader.slots`. */
export class CcidSlot {
  private queue: Promise<unknown> = Promise.resolve();
  private generation = 0;
  /** Last known card presence, from GetSlotStatus and NotifySlotChange; null before the first report. */
  present: boolean | null = null;

  /** @internal built by `openCcidReader`. */
  constructor(
    private readonly pipe: BulkPipe,
    readonly index: number,
    private readonly descriptor: CcidDescriptor,
    private readonly rates: { dataRates: readonly number[]; clocksKhz: readonly number[] },
  ) {}

  /** Runs `work` after every earlier exchange on this slot has settled (one exchange at a time). */
  enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Marks the slot's card as gone: sessions from earlier power cycles refuse further exchanges. */
  cardRemoved(): void {
    this.present = false;
    this.generation += 1;
  }

  /** PC_to_RDR_GetSlotStatus (§6.1.3): updates `present` and returns the raw bmICCStatus. */
  getStatus(signal?: AbortSignal): Promise<0 | 1 | 2> {
    return this.enqueue(async () => {
      try {
        const reply = await this.pipe.transact(this.index, msg.getSlotStatus, 'GetSlotStatus', signal);
        this.present = reply.iccStatus !== 2;
        return reply.iccStatus;
      } catch (e) {
        // Some readers fail GetSlotStatus on an empty slot instead of reporting bmICCStatus 2.
        if (!isAppError(e, 'ccid', 'NO_CARD')) throw e;
        this.present = false;
        return 2;
      }
    });
  }

  /** PC_to_RDR_IccPowerOff (§6.1.2). */
  powerOff(signal?: AbortSignal): Promise<void> {
    return this.enqueue(async () => {
      this.generation += 1;
      await this.pipe.transact(this.index, msg.iccPowerOff, 'IccPowerOff', signal);
    });
  }

  /**
   * Powers the card (PC_to_RDR_IccPowerOn §6.1.1, selecting the voltage unless the reader does it) and
   * prepares the exchange level: resolves with the ATR and an APDU exchange for this power cycle.
   */
  powerOn(options: PowerOnOptions = {}): Promise<CardSession> {
    return this.enqueue(async () => {
      const atr = await this.activate(options.signal);
      this.present = true;
      const generation = ++this.generation;
      const io = this.io();
      const level = this.descriptor.exchangeLevel;
      const session =
        level === 'tpdu'
          ? await setupTpdu(io, atr, options)
          : level === 'short-apdu' || level === 'extended-apdu'
            ? createApduExchange(io, atr)
            : null;
      if (!session) {
        throw new AppError(
          'ccid',
          'CHARACTER_LEVEL_UNSUPPORTED',
          'This reader only exchanges characters, which Keyward does not support',
        );
      }
      return this.guard(session, generation);
    });
  }

  /** Tries each allowed voltage until the card answers (§6.1.1; ICC_MUTE / ICC_CLASS_NOT_SUPPORTED move on). */
  private async activate(signal?: AbortSignal): Promise<Uint8Array> {
    const selections = powerSelections(this.descriptor);
    for (let i = 0; ; i++) {
      try {
        const reply = await this.pipe.transact(
          this.index,
          (a) => msg.iccPowerOn(a, selections[i]!),
          'IccPowerOn',
          signal,
        );
        if (reply.type !== 'DataBlock')
          throw new AppError('ccid', 'UNEXPECTED_REPLY', `IccPowerOn answered with ${reply.type}`);
        return reply.data;
      } catch (e) {
        const retry = isAppError(e, 'ccid', 'ICC_MUTE') || isAppError(e, 'ccid', 'ICC_CLASS_NOT_SUPPORTED');
        if (!retry || i + 1 >= selections.length) throw e;
        await this.pipe.transact(this.index, msg.iccPowerOff, 'IccPowerOff', signal);
      }
    }
  }

  /** Wraps a session so it queues behind other work and refuses after power off or card removal. */
  private guard(session: CardSession, generation: number): CardSession {
    const guarded = (send: () => Promise<Uint8Array>) =>
      this.enqueue(() => {
        if (generation !== this.generation) {
          const code = this.present === false ? 'NO_CARD' : 'NOT_POWERED';
          return Promise.reject(
            new AppError('ccid', code, 'The card was removed or powered off since it was connected', {
              slot: this.index,
            }),
          );
        }
        return send().catch((e: unknown) => {
          if (isAppError(e, 'ccid', 'NO_CARD')) this.cardRemoved();
          throw e;
        });
      });
    const enterPin = session.enterPin?.bind(session);
    return {
      atr: session.atr,
      protocol: session.protocol,
      capabilities: session.capabilities,
      transmit: (apdu, options) => guarded(() => session.transmit(apdu, options)),
      ...(enterPin ? { enterPin: (abData, options) => guarded(() => enterPin(abData, options)) } : {}),
    };
  }

  /** PC_to_RDR_GetParameters (§6.1.5). */
  getParameters(signal?: AbortSignal): Promise<msg.ProtocolParameters | null> {
    return this.enqueue(() => this.io().getParameters(signal));
  }

  /** PC_to_RDR_SetParameters (§6.1.7); resolves with the parameters the reader now uses. */
  setParameters(p: msg.ProtocolParameters, signal?: AbortSignal): Promise<msg.ProtocolParameters | null> {
    return this.enqueue(() => this.io().setParameters(p, signal));
  }

  private io(): SlotIo {
    const { pipe, index } = this;
    const parameters = async (reply: CcidReply): Promise<msg.ProtocolParameters | null> =>
      reply.type === 'Parameters' ? reply.parameters : null;
    return {
      slot: index,
      descriptor: this.descriptor,
      dataRates: this.rates.dataRates,
      clocksKhz: this.rates.clocksKhz,
      async xfrBlock(data, levelParameter, signal, bwi = 0) {
        const reply = await pipe.transact(index, (a) => msg.xfrBlock(a, data, levelParameter, bwi), 'XfrBlock', signal);
        if (reply.type !== 'DataBlock')
          throw new AppError('ccid', 'UNEXPECTED_REPLY', `XfrBlock answered with ${reply.type}`);
        return reply;
      },
      async secure(abData, signal) {
        const build = (a: msg.Address) => msg.secure(a, abData[0]!, abData.subarray(1));
        const reply = await pipe.transact(index, build, 'Secure', signal);
        if (reply.type !== 'DataBlock')
          throw new AppError('ccid', 'UNEXPECTED_REPLY', `Secure answered with ${reply.type}`);
        return reply;
      },
      setParameters: async (p, signal) =>
        parameters(await pipe.transact(index, (a) => msg.setParameters(a, p), 'SetParameters', signal)),
      getParameters: async (signal) =>
        parameters(await pipe.transact(index, msg.getParameters, 'GetParameters', signal)),
    };
  }
}
