/**
 * Graph's identity write quota, as a sliding window per app and tenant ("Microsoft Graph service-specific
 * throttling limits", identity and access: 3,000 writes per 2 minutes 30 seconds per app and tenant).
 * A write that would exceed it is refused with 429 and `Retry-After`: the whole seconds until the oldest
 * write in the window leaves it, so a client that waits that long is let through. Refused writes do not
 * count. Tests and the bench scale the window down (`control.setWriteQuota`).
 */

/** The quota's size: at most `limit` writes in any `windowMs`. */
export interface WriteQuotaSettings {
  readonly limit: number;
  readonly windowMs: number;
}

/** Graph's documented identity write limit per app and tenant. */
export const GRAPH_WRITE_QUOTA: WriteQuotaSettings = { limit: 3_000, windowMs: 150_000 };

/** What the quota has let through and refused, for tests and the bench. */
export interface WriteQuotaStats {
  readonly accepted: number;
  readonly refused: number;
}

/** The sliding-window write quota, one window per app (client id); the tenant is the emulator's one. */
export class WriteQuota {
  private settings: WriteQuotaSettings = GRAPH_WRITE_QUOTA;
  private readonly windows = new Map<string, number[]>();
  private accepted = 0;
  private refused = 0;

  constructor(private readonly now: () => number = () => Date.now()) {}

  /** Replaces the quota's size and forgets the writes counted so far. */
  configure(settings: WriteQuotaSettings): void {
    if (!Number.isInteger(settings.limit) || settings.limit < 1)
      throw new RangeError('limit must be a positive integer');
    if (!Number.isInteger(settings.windowMs) || settings.windowMs < 1)
      throw new RangeError('windowMs must be a positive integer');
    this.settings = { ...settings };
    this.windows.clear();
    this.accepted = 0;
    this.refused = 0;
  }

  /** The current size. */
  get current(): WriteQuotaSettings {
    return this.settings;
  }

  /** Counts one write by `appId`: undefined when allowed, else the Retry-After seconds. */
  take(appId: string): number | undefined {
    const now = this.now();
    const { limit, windowMs } = this.settings;
    const times = (this.windows.get(appId) ?? []).filter((t) => t > now - windowMs);
    this.windows.set(appId, times);
    if (times.length < limit) {
      times.push(now);
      this.accepted += 1;
      return undefined;
    }
    this.refused += 1;
    return Math.max(1, Math.ceil((times[0]! + windowMs - now) / 1000));
  }

  /** Counts since the last `configure`. */
  stats(): WriteQuotaStats {
    return { accepted: this.accepted, refused: this.refused };
  }
}
