/**
 * The virtual reader's message engine: bulk-out commands are processed in order, replies queue for
 * bulk-in, notifications for interrupt-in; fault modes and the Abort sequence (CCID rev 1.1 §5.3.1)
 * are applied here.
 */
import {
  failure,
  frame,
  notifySlotChange,
  readCommand,
  SIM_CMD,
  SIM_ERROR,
  SIM_ICC,
  SIM_PC_TO_RDR,
  SIM_RDR_TO_PC,
  atrProtocols,
  type SimCommand,
} from './virtual-ccid';
import { FaultPlan } from './virtual-faults';
import { VirtualKeypad } from './virtual-keypad';
import { VirtualSlot } from './virtual-slot';
import type { SimReaderFacts, VirtualCardSpec } from './virtual-types';

/** A FIFO whose readers wait for the next item; pending readers can be cancelled. */
class Mailbox {
  private items: Uint8Array[] = [];
  private waiters: { resolve: (b: Uint8Array) => void; reject: (e: unknown) => void }[] = [];

  push(item: Uint8Array): void {
    const w = this.waiters.shift();
    if (w) w.resolve(item);
    else this.items.push(item);
  }

  next(): Promise<Uint8Array> {
    const item = this.items.shift();
    if (item) return Promise.resolve(item);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  cancel(error: unknown): void {
    for (const w of this.waiters.splice(0)) w.reject(error);
  }

  /** Drops queued items; waiting readers keep waiting. */
  drop(): void {
    this.items = [];
  }
}

export class VirtualBulk {
  readonly faults = new FaultPlan();
  /** The PIN pad, used where the descriptor sets bPINSupport. */
  readonly keypad = new VirtualKeypad();
  readonly slots: VirtualSlot[];
  private readonly replies = new Mailbox();
  private readonly interrupts = new Mailbox();
  private work: Promise<void> = Promise.resolve();
  private inflight: { cmd: SimCommand; aborted: boolean } | null = null;
  private readonly aborts = new Map<number, number>();

  constructor(readonly facts: SimReaderFacts) {
    const keypad = facts.pinSupport ? this.keypad : null;
    // While the keypad waits, the reader tells the host it is still working (time extension, §6.2.6).
    const extend = (cmd: SimCommand) =>
      this.replies.push(frame(SIM_RDR_TO_PC.DATA_BLOCK, cmd.slot, cmd.seq, SIM_CMD.TIME_EXTENSION << 6, 1, 0));
    this.slots = Array.from({ length: facts.maxSlotIndex + 1 }, () => new VirtualSlot(facts, keypad, extend));
  }

  nextReply(): Promise<Uint8Array> {
    return this.replies.next();
  }

  nextNotification(): Promise<Uint8Array> {
    return this.interrupts.next();
  }

  cancelAll(error: unknown): void {
    this.replies.cancel(error);
    this.interrupts.cancel(error);
  }

  /** Powers every slot off and drops replies nobody read (a bus reset). */
  reset(): void {
    for (const s of this.slots) s.deactivate();
    this.replies.drop();
  }

  insertCard(spec: VirtualCardSpec, slot: number, notify: boolean): void {
    const s = this.slots[slot]!;
    s.deactivate();
    s.card = {
      atr: spec.atr.slice(),
      protocols: atrProtocols(spec.atr),
      voltages: spec.voltages,
      handleApdu: async (apdu) => {
        this.facts.stats.apdus += 1;
        return spec.handleApdu(apdu);
      },
    };
    if (notify) this.notify(slot);
  }

  removeCard(slot: number, notify: boolean): void {
    const s = this.slots[slot]!;
    s.deactivate();
    s.card = null;
    if (notify) this.notify(slot);
  }

  private notify(changed: number): void {
    this.interrupts.push(
      notifySlotChange(this.slots.map((s, i) => ({ present: s.card !== null, changed: i === changed }))),
    );
  }

  /** ABORT class request: if the slot is busy, its command ends now with CMD_ABORTED (§5.3.1). */
  abortRequested(slot: number, seq: number): void {
    this.aborts.set(slot, seq);
    const f = this.inflight;
    if (f && f.cmd.slot === slot && !f.aborted) {
      f.aborted = true;
      this.keypad.abandon();
      this.replies.push(failure(f.cmd, SIM_ICC.ACTIVE, SIM_ERROR.CMD_ABORTED));
    }
  }

  /** A bulk-out transfer arrived. */
  receive(bytes: Uint8Array): void {
    const cmd = readCommand(bytes);
    if (!cmd) return; // A real reader would wait for the rest; the driver never splits messages.
    const { commands } = this.facts.stats;
    commands.set(cmd.type, (commands.get(cmd.type) ?? 0) + 1);
    if (cmd.type === SIM_PC_TO_RDR.ABORT && this.aborts.get(cmd.slot) === cmd.seq) {
      // PC_to_RDR_Abort after the ABORT request is answered at once, even while a command is stuck.
      this.aborts.delete(cmd.slot);
      this.replies.push(frame(0x81, cmd.slot, cmd.seq, 0, 0, 0));
      return;
    }
    this.work = this.work.then(() => this.process(cmd));
  }

  private async process(cmd: SimCommand): Promise<void> {
    const slot = this.slots[cmd.slot];
    if (!slot) return this.replies.push(failure(cmd, SIM_ICC.ABSENT, 5)); // offset 5: bSlot does not exist
    if (this.faults.take('slot-busy')) return this.replies.push(failure(cmd, SIM_ICC.ACTIVE, SIM_ERROR.CMD_SLOT_BUSY));
    if (cmd.type === SIM_PC_TO_RDR.XFR_BLOCK && slot.card && this.faults.take('card-removed')) {
      this.removeCard(cmd.slot, true);
      return this.replies.push(failure(cmd, SIM_ICC.ABSENT, SIM_ERROR.ICC_MUTE));
    }
    const flight = { cmd, aborted: false };
    this.inflight = flight;
    const reply = await slot.handle(cmd).catch(() => failure(cmd, SIM_ICC.ACTIVE, SIM_ERROR.ICC_MUTE));
    this.inflight = null;
    if (flight.aborted) return;
    this.prefixFaults(cmd, reply);
    this.replies.push(reply);
  }

  /** Time extensions (bStatus 0x80, bError = BWT multiplier) and stale-bSeq copies before the real reply. */
  private prefixFaults(cmd: SimCommand, reply: Uint8Array): void {
    const ext = this.faults.take('time-extension');
    for (let i = 0; i < (ext ? (ext.perCommand ?? 1) : 0); i++) {
      this.replies.push(frame(reply[0]!, cmd.slot, cmd.seq, (SIM_CMD.TIME_EXTENSION << 6) | (reply[7]! & 0x03), 1, 0));
    }
    const wrong = this.faults.take('wrong-seq');
    for (let i = 0; i < (wrong ? (wrong.perCommand ?? 1) : 0); i++) {
      const stale = reply.slice();
      stale[6] = (cmd.seq + 0x80 + i) & 0xff;
      this.replies.push(stale);
    }
  }
}
