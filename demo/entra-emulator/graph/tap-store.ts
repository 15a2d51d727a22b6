/**
 * Temporary Access Pass state and rules (Graph v1.0 temporaryAccessPassAuthenticationMethod: its create,
 * list and delete pages and resource page in microsoftgraph/microsoft-graph-docs-contrib api-reference/v1.0):
 *
 * - one pass per user: creating one replaces the existing one;
 * - `lifetimeInMinutes` defaults to the policy's `defaultLifetimeInMinutes`, and must lie in 10..43200
 *   *and* in the policy's minimum..maximum, else 400 `badRequest` "Invalid LifetimeInMinutes specified…"
 *   (the wording Graph returns, microsoftgraph/microsoft-graph-docs PR #12187);
 * - `isUsableOnce` defaults to the policy's; a multi-use pass is refused when the policy allows only
 *   one-time passes;
 * - a policy with `state: 'disabled'` refuses creation (400, emulator's choice of status);
 * - the code is `defaultLength` characters from an alphabet without look-alikes (0/O/o, 1/l/I).
 *
 * Usability (`isUsable`, `methodUsabilityReason`) is computed when read, from the clock and the policy.
 */
import type { TapPolicy } from '../tenant';
import { graphError } from './errors';

/** A stored pass (the code is kept so tests can read it through `control.tapFor`). */
export interface TapRecord {
  readonly id: string;
  readonly userId: string;
  readonly temporaryAccessPass: string;
  readonly createdDateTime: string;
  readonly startDateTime: string;
  readonly lifetimeInMinutes: number;
  readonly isUsableOnce: boolean;
  used: boolean;
}

/** The optional create-request fields (Graph request body table, examples.md §1). */
export interface CreateTapRequest {
  readonly startDateTime?: string;
  readonly lifetimeInMinutes?: number;
  readonly isUsableOnce?: boolean;
}

/** Graph's absolute lifetime bounds in minutes (10 minutes .. 30 days). */
export const LIFETIME_BOUNDS = { min: 10, max: 43_200 } as const;

/** Code alphabet: letters and digits minus the look-alikes 0 O o 1 l I. */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';

/** Generates a pass code of `length` characters by rejection sampling (no modulo bias). */
export function generateTapCode(length: number): string {
  const limit = 256 - (256 % ALPHABET.length);
  let out = '';
  while (out.length < length) {
    for (const b of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (b < limit && out.length < length) out += ALPHABET[b % ALPHABET.length];
    }
  }
  return out;
}

/** The passes of one tenant, keyed by user id. */
export class TapStore {
  private readonly byUser = new Map<string, TapRecord>();

  constructor(
    private readonly policy: () => Readonly<TapPolicy>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Creates (or replaces) the pass of `userId`; throws a Graph 400 when the policy refuses it. */
  create(userId: string, req: CreateTapRequest): TapRecord {
    const policy = this.policy();
    if (policy.state !== 'enabled') {
      throw graphError(
        400,
        'badRequest',
        'Temporary Access Pass is disabled in the authentication methods policy of this tenant.',
      );
    }
    const lifetimeInMinutes = req.lifetimeInMinutes ?? policy.defaultLifetimeInMinutes;
    const low = Math.max(LIFETIME_BOUNDS.min, policy.minimumLifetimeInMinutes);
    const high = Math.min(LIFETIME_BOUNDS.max, policy.maximumLifetimeInMinutes);
    if (!Number.isInteger(lifetimeInMinutes) || lifetimeInMinutes < low || lifetimeInMinutes > high) {
      throw graphError(
        400,
        'badRequest',
        `Invalid LifetimeInMinutes specified. The valid range between ${low} and ${high}.`,
      );
    }
    const isUsableOnce = req.isUsableOnce ?? policy.isUsableOnce;
    if (policy.isUsableOnce && !isUsableOnce) {
      throw graphError(
        400,
        'badRequest',
        'Invalid IsUsableOnce specified. The policy allows only one-time use Temporary Access Passes.',
      );
    }
    const created = this.now();
    const record: TapRecord = {
      id: crypto.randomUUID(),
      userId,
      temporaryAccessPass: generateTapCode(Math.min(48, Math.max(8, policy.defaultLength))),
      createdDateTime: created.toISOString(),
      startDateTime: req.startDateTime ? new Date(req.startDateTime).toISOString() : created.toISOString(),
      lifetimeInMinutes,
      isUsableOnce,
      used: false,
    };
    this.byUser.set(userId, record);
    return record;
  }

  /** The pass of `userId`, if any. */
  get(userId: string): TapRecord | undefined {
    return this.byUser.get(userId);
  }

  /** Deletes the pass `methodId` of `userId`; false when there is no such pass. */
  delete(userId: string, methodId: string): boolean {
    if (this.byUser.get(userId)?.id !== methodId) return false;
    return this.byUser.delete(userId);
  }

  /** Records a sign-in with the pass (makes a one-time pass unusable). */
  markUsed(userId: string): void {
    const record = this.byUser.get(userId);
    if (record) record.used = true;
  }

  /** Whether the pass is usable now, and Graph's reason (resource page, examples.md §7). */
  usability(record: TapRecord): { isUsable: boolean; methodUsabilityReason: string } {
    const now = this.now().getTime();
    const start = Date.parse(record.startDateTime);
    if (this.policy().state !== 'enabled') return { isUsable: false, methodUsabilityReason: 'DisabledByPolicy' };
    if (now < start) return { isUsable: false, methodUsabilityReason: 'NotYetValid' };
    if (now >= start + record.lifetimeInMinutes * 60_000) return { isUsable: false, methodUsabilityReason: 'Expired' };
    if (record.isUsableOnce && record.used) return { isUsable: false, methodUsabilityReason: 'OneTimeUsed' };
    return { isUsable: true, methodUsabilityReason: 'EnabledByPolicy' };
  }

  /** The Graph JSON of a pass; the code only when `withCode` (the create response), else `null`. */
  view(record: TapRecord, withCode: boolean): Record<string, unknown> {
    return {
      '@odata.type': '#microsoft.graph.temporaryAccessPassAuthenticationMethod',
      id: record.id,
      temporaryAccessPass: withCode ? record.temporaryAccessPass : null,
      createdDateTime: record.createdDateTime,
      startDateTime: record.startDateTime,
      lifetimeInMinutes: record.lifetimeInMinutes,
      isUsableOnce: record.isUsableOnce,
      ...this.usability(record),
    };
  }
}
