/**
 * Refusal injection for the virtual card: the card answers a chosen command with a status word instead
 * of running it, as a real card that lacks an algorithm (6A80 after GENERATE, SP 800-73-4 Part 2 §3.3.2),
 * is full (6A84 after PUT DATA, §3.3.1) or refuses a step for its own reasons. Each rule refuses its next
 * `times` matching commands, then clears (the ChromeOS Smart Card Connector simulation's "fails N times"
 * model, as virtual-faults.ts does for the reader). The command is not run, so the card is unchanged.
 */
import type { CardCommand } from './card-apdu';

/** A command the card refuses. */
export interface CardRefusal {
  /** The instruction (or any of the instructions) refused, e.g. 0x47 GENERATE ASYMMETRIC KEY PAIR. */
  readonly ins: number | readonly number[];
  /** Only commands with this P2 (a key reference or slot: 80 PIN, 81 PUK, 9A, 9B …); any when absent. */
  readonly p2?: number;
  /** The status word answered instead, e.g. 0x6a80. */
  readonly sw: number;
  /** How many matching commands are refused before the rule clears (default 1). */
  readonly times?: number;
}

/** The refusals armed on one card. */
export class RefusalPlan {
  #rules: { rule: CardRefusal; left: number }[] = [];

  add(rule: CardRefusal): void {
    this.#rules.push({ rule, left: rule.times ?? 1 });
  }

  clear(): void {
    this.#rules = [];
  }

  /** The status word to answer `c` with, consuming one occurrence of the first rule it matches; null when none. */
  take(c: CardCommand): number | null {
    const entry = this.#rules.find(({ rule }) => matches(rule, c));
    if (!entry) return null;
    entry.left -= 1;
    this.#rules = this.#rules.filter((r) => r.left > 0);
    return entry.rule.sw;
  }
}

function matches(rule: CardRefusal, c: CardCommand): boolean {
  const ins = typeof rule.ins === 'number' ? [rule.ins] : rule.ins;
  return ins.includes(c.ins) && (rule.p2 === undefined || rule.p2 === c.p2);
}
