/**
 * One slot of the virtual reader: card presence and power, parameters, and the reader side of the
 * exchange level the descriptor declares (CCID rev 1.1 §6.1.1–§6.1.7, §6.2).
 */
import { concatBytes } from '../bytes';
import {
  frame,
  SIM_CMD,
  SIM_ERROR,
  SIM_ICC,
  SIM_PC_TO_RDR,
  SIM_RDR_TO_PC,
  failure,
  statusByte,
  type SimCommand,
} from './virtual-ccid';
import type { VirtualKeypad } from './virtual-keypad';
import { completeOnKeypad } from './virtual-secure';
import { TpduCard } from './virtual-tpdu';
import type { SimReaderFacts, VirtualCard } from './virtual-types';

/** Default abProtocolDataStructure per protocol (Fd/Dd 11, direct convention; T=1: LRC, BWI 4 CWI 13, IFSC 32). */
const DEFAULT_PARAMETERS: Record<number, readonly number[]> = {
  0: [0x11, 0x00, 0x00, 0x0a, 0x00],
  1: [0x11, 0x10, 0x00, 0x4d, 0x00, 0x20, 0x00],
};

/** wLevelParameter / bChainParameter values at extended APDU level (CCID rev 1.1 §6.1.4 Table 6.1-3, §6.2.1). */
const CHAIN = { WHOLE: 0x00, BEGIN: 0x01, END: 0x02, MORE: 0x03, NEXT: 0x10 } as const;

export class VirtualSlot {
  card: VirtualCard | null = null;
  powered = false;
  protocol = 0;
  parameters: readonly number[] = DEFAULT_PARAMETERS[0]!;
  private tpdu: TpduCard | null = null;
  private commandParts: Uint8Array[] | null = null;
  private pendingResponse: Uint8Array | null = null;

  /**
   * @param keypad the reader's PIN pad, where its descriptor sets bPINSupport (at APDU level only).
   * @param extend sends a time extension for the command in progress (§6.2.6), while the keypad waits.
   */
  constructor(
    readonly facts: SimReaderFacts,
    private readonly keypad: VirtualKeypad | null = null,
    private readonly extend: (cmd: SimCommand) => void = () => undefined,
  ) {}

  private icc(): number {
    if (!this.card) return SIM_ICC.ABSENT;
    return this.powered ? SIM_ICC.ACTIVE : SIM_ICC.INACTIVE;
  }

  /** Forgets everything tied to one power cycle. */
  deactivate(): void {
    this.powered = false;
    this.tpdu = null;
    this.commandParts = null;
    this.pendingResponse = null;
  }

  private slotStatus(cmd: SimCommand): Uint8Array {
    return frame(SIM_RDR_TO_PC.SLOT_STATUS, cmd.slot, cmd.seq, statusByte(this.icc(), SIM_CMD.OK), 0, 0);
  }

  private parametersReply(cmd: SimCommand): Uint8Array {
    return frame(
      SIM_RDR_TO_PC.PARAMETERS,
      cmd.slot,
      cmd.seq,
      statusByte(this.icc(), SIM_CMD.OK),
      0,
      this.protocol,
      Uint8Array.from(this.parameters),
    );
  }

  private dataBlock(cmd: SimCommand, data: Uint8Array, chain = 0): Uint8Array {
    return frame(SIM_RDR_TO_PC.DATA_BLOCK, cmd.slot, cmd.seq, statusByte(this.icc(), SIM_CMD.OK), 0, chain, data);
  }

  /** Handles one command for this slot and returns its reply. */
  async handle(cmd: SimCommand): Promise<Uint8Array> {
    switch (cmd.type) {
      case SIM_PC_TO_RDR.ICC_POWER_ON:
        return this.powerOn(cmd);
      case SIM_PC_TO_RDR.ICC_POWER_OFF:
        this.deactivate();
        return this.slotStatus(cmd);
      case SIM_PC_TO_RDR.GET_SLOT_STATUS:
      case SIM_PC_TO_RDR.ABORT:
        return this.slotStatus(cmd);
      case SIM_PC_TO_RDR.GET_PARAMETERS:
        return this.parametersReply(cmd);
      case SIM_PC_TO_RDR.RESET_PARAMETERS:
        this.parameters = DEFAULT_PARAMETERS[this.protocol]!;
        return this.parametersReply(cmd);
      case SIM_PC_TO_RDR.SET_PARAMETERS:
        return this.setParameters(cmd);
      case SIM_PC_TO_RDR.XFR_BLOCK:
        return this.xfrBlock(cmd);
      case SIM_PC_TO_RDR.SECURE:
        return this.secure(cmd);
      default:
        return failure(cmd, this.icc(), SIM_ERROR.CMD_NOT_SUPPORTED);
    }
  }

  /** IccPowerOn (§6.1.1): bPowerSelect 0 (automatic) or a voltage the descriptor lists (1 → 5 V, 2 → 3 V, 3 → 1.8 V). */
  private powerOn(cmd: SimCommand): Uint8Array {
    if (!this.card) return failure(cmd, SIM_ICC.ABSENT, SIM_ERROR.ICC_MUTE);
    const select = cmd.p[0];
    this.facts.stats.powerSelects.push(select);
    const voltageBit = [0, 0x01, 0x02, 0x04][select];
    if (voltageBit === undefined || (select !== 0 && !(this.facts.voltageSupport & voltageBit))) {
      return failure(cmd, this.icc(), 7); // bError 7: the byte at offset 7 (bPowerSelect) is wrong
    }
    this.deactivate();
    // A card activated at a voltage it does not support stays mute (ISO 7816-3 §6.2.4).
    const volts = (['5V', '3V', '1.8V'] as const)[select - 1];
    if (volts && this.card.voltages && !this.card.voltages.includes(volts))
      return failure(cmd, SIM_ICC.INACTIVE, SIM_ERROR.ICC_MUTE);
    this.powered = true;
    this.protocol = this.card.protocols[0]!;
    this.parameters = DEFAULT_PARAMETERS[this.protocol] ?? DEFAULT_PARAMETERS[0]!;
    if (this.facts.level === 'tpdu') this.tpdu = new TpduCard(this.card, this.facts);
    return this.dataBlock(cmd, this.card.atr);
  }

  /** SetParameters (§6.1.7): T=0 needs 5 bytes, T=1 needs 7; anything else is refused at offset 7. */
  private setParameters(cmd: SimCommand): Uint8Array {
    const protocol = cmd.p[0];
    const want = protocol === 0 ? 5 : protocol === 1 ? 7 : -1;
    if (want < 0 || cmd.data.length !== want) return failure(cmd, this.icc(), 7);
    this.protocol = protocol;
    this.parameters = Array.from(cmd.data);
    this.tpdu?.readerProtocolSet(protocol);
    return this.parametersReply(cmd);
  }

  private async xfrBlock(cmd: SimCommand): Promise<Uint8Array> {
    if (!this.card) return failure(cmd, SIM_ICC.ABSENT, SIM_ERROR.ICC_MUTE);
    if (!this.powered) return failure(cmd, SIM_ICC.INACTIVE, SIM_ERROR.ICC_MUTE);
    if (this.tpdu) {
      const answer = await this.tpdu.receive(cmd.data);
      return answer === null ? failure(cmd, this.icc(), SIM_ERROR.ICC_MUTE) : this.dataBlock(cmd, answer);
    }
    if (this.facts.level === 'extended-apdu') return this.extendedXfr(cmd);
    if (cmd.data.length > 261 || cmd.p[1] !== 0) return failure(cmd, this.icc(), SIM_ERROR.XFR_OVERRUN);
    return this.dataBlock(cmd, await this.card.handleApdu(cmd.data));
  }

  /** Secure (§6.1.11): the PIN from the keypad into the APDU, then the APDU to the card (virtual-secure.ts). */
  private async secure(cmd: SimCommand): Promise<Uint8Array> {
    const operation = cmd.data[0];
    const offered = operation === 0x00 ? 0x01 : operation === 0x01 ? 0x02 : 0;
    if (!this.keypad || !(this.facts.pinSupport & offered) || this.tpdu)
      return failure(cmd, this.icc(), SIM_ERROR.CMD_NOT_SUPPORTED);
    if (!this.card) return failure(cmd, SIM_ICC.ABSENT, SIM_ERROR.ICC_MUTE);
    if (!this.powered) return failure(cmd, SIM_ICC.INACTIVE, SIM_ERROR.ICC_MUTE);
    const entered = await completeOnKeypad(cmd.data, this.keypad, () => this.extend(cmd));
    if ('error' in entered) return failure(cmd, this.icc(), entered.error);
    if (!this.card) return failure(cmd, SIM_ICC.ABSENT, SIM_ERROR.ICC_MUTE);
    return this.dataBlock(cmd, await this.card.handleApdu(entered.apdu));
  }

  /** Extended APDU level (§6.1.4 Table 6.1-3): collect command parts, then hand out the response in parts. */
  private async extendedXfr(cmd: SimCommand): Promise<Uint8Array> {
    const level = cmd.p[1] | (cmd.p[2] << 8);
    const room = this.facts.maxMessageLength - 10;
    if (cmd.data.length > room) return failure(cmd, this.icc(), SIM_ERROR.XFR_OVERRUN);
    if (level === CHAIN.NEXT) {
      const rest = this.pendingResponse;
      if (!rest) return failure(cmd, this.icc(), 8); // offset 8: wLevelParameter makes no sense now
      return this.respondFrom(cmd, rest, false);
    }
    if (level === CHAIN.BEGIN || level === CHAIN.MORE) {
      if ((level === CHAIN.BEGIN) !== (this.commandParts === null)) return failure(cmd, this.icc(), 8);
      this.commandParts = [...(this.commandParts ?? []), cmd.data];
      return this.dataBlock(cmd, new Uint8Array(0), CHAIN.NEXT);
    }
    let apdu = cmd.data;
    if (level === CHAIN.END) {
      if (!this.commandParts) return failure(cmd, this.icc(), 8);
      apdu = concatBytes(...this.commandParts, cmd.data);
      this.commandParts = null;
    } else if (level !== CHAIN.WHOLE) {
      return failure(cmd, this.icc(), 8);
    }
    return this.respondFrom(cmd, await this.card!.handleApdu(apdu), true);
  }

  private respondFrom(cmd: SimCommand, response: Uint8Array, first: boolean): Uint8Array {
    const room = this.facts.maxMessageLength - 10;
    if (first && response.length <= room) return this.dataBlock(cmd, response, CHAIN.WHOLE);
    const part = response.slice(0, room);
    const rest = response.slice(room);
    this.pendingResponse = rest.length > 0 ? rest : null;
    return this.dataBlock(cmd, part, first ? CHAIN.BEGIN : rest.length > 0 ? CHAIN.MORE : CHAIN.END);
  }
}
