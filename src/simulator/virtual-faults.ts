/**
 * Fault bookkeeping for the virtual reader: each fault fires for its next `times` occasions, then clears
 * (the ChromeOS Smart Card Connector simulation's "fails N times" model).
 */
import type { VirtualFault } from './virtual-types';

type Kind = VirtualFault['kind'];

export class FaultPlan {
  private faults: { fault: VirtualFault; left: number }[] = [];

  add(fault: VirtualFault): void {
    this.faults.push({ fault, left: fault.times });
  }

  clear(): void {
    this.faults = [];
  }

  /** Consumes one occurrence of the first active fault of `kind` (and direction), returning it. */
  take<K extends Kind>(kind: K, direction?: 'in' | 'out'): Extract<VirtualFault, { kind: K }> | null {
    const entry = this.faults.find(
      (f) =>
        f.left > 0 &&
        f.fault.kind === kind &&
        (direction === undefined || (f.fault.kind === 'transfer-error' && f.fault.direction === direction)),
    );
    if (!entry) return null;
    entry.left -= 1;
    this.faults = this.faults.filter((f) => f.left > 0);
    return entry.fault as Extract<VirtualFault, { kind: K }>;
  }
}
