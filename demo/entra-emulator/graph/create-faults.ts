/**
 * A fault hook for Batch TAP tests: the next pass create (for one user, or for anyone) lands, and then its
 * answer is lost. Graph answers such a request 504 `GatewayTimeout` (in a `$batch`, as that item's
 * status), and the caller cannot know whether the pass exists; it must read the user's pass methods to
 * find out, never create again.
 */
export class CreateFaults {
  private readonly pending: (string | null)[] = [];

  /** The next create for `userId` (any user when null) lands and answers 504. */
  timeoutAfterCreate(userId: string | null): void {
    this.pending.push(userId);
  }

  /** True (once) when the create just made for `userId` must answer as timed out. */
  takeTimeout(userId: string): boolean {
    const i = this.pending.findIndex((u) => u === null || u === userId);
    if (i < 0) return false;
    this.pending.splice(i, 1);
    return true;
  }
}
