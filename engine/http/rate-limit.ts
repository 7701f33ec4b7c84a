// A token bucket per key (the agent lookup's source address): `burst` requests at once, then `perSecond`.
// Lookup needs no credentials, so without a bound anyone on the provisioning network could walk MAC
// addresses or node uuids as fast as the service answers.
export interface RateLimit {
  burst: number;
  perSecond: number;
}

export const DEFAULT_LOOKUP_LIMIT: RateLimit = { burst: 20, perSecond: 5 };

/** Buckets kept before idle (full) ones are dropped: a scan from many addresses must not grow memory without bound. */
const MAX_KEYS = 10_000;

export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly limit: RateLimit,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** Takes one token for `key`: 0 when allowed, else the seconds until one is available. */
  take(key: string): number {
    const now = this.clock();
    let b = this.buckets.get(key);
    if (b) {
      b.tokens = Math.min(this.limit.burst, b.tokens + ((now - b.at) / 1000) * this.limit.perSecond);
      b.at = now;
    } else {
      if (this.buckets.size >= MAX_KEYS) this.dropIdle(now);
      b = { tokens: this.limit.burst, at: now };
      this.buckets.set(key, b);
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return (1 - b.tokens) / this.limit.perSecond;
  }

  private dropIdle(now: number): void {
    for (const [k, b] of this.buckets) if (b.tokens + ((now - b.at) / 1000) * this.limit.perSecond >= this.limit.burst) this.buckets.delete(k);
    // Still full of active sources: forget the oldest half rather than refuse to track new ones.
    if (this.buckets.size >= MAX_KEYS) for (const k of [...this.buckets.keys()].slice(0, MAX_KEYS / 2)) this.buckets.delete(k);
  }
}
