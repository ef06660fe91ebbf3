// Etsy's rate limits as its developer docs describe them: queries per second (QPS) checked first, then queries
// per day (QPD) over a sliding 24-hour window made of 2-hour buckets. Every answer carries x-limit-per-second,
// x-remaining-this-second, x-limit-per-day and x-remaining-today; a refused call answers 429 with retry-after
// (seconds) and uses nothing. Time is the fake's clock, so a test can exhaust a second and then move past it.
import type { Clock } from '../../../src/clock.ts';

const BUCKET_MS = 2 * 60 * 60 * 1000;
const BUCKETS_PER_DAY = 12;

export interface RateLimitOptions {
  /** Etsy's default for a new app: 10. */
  perSecond?: number;
  /** Etsy's default for a new app: 10,000. */
  perDay?: number;
}

export type RateDecision =
  | { ok: true; headers: Record<string, string> }
  | { ok: false; headers: Record<string, string>; error: string };

/** What a test reads and steers: counters of the calls Etsy would have counted, and 429s on demand. */
export interface RateLimiter {
  take(): RateDecision;
  headers(): Record<string, string>;
  /** The next `count` calls answer 429 with this retry-after, whatever the budget says. */
  failNext(count?: number, retryAfterSeconds?: number): void;
  /** Calls that used budget. */
  readonly used: number;
  /** Calls answered 429. */
  readonly refused: number;
  /** The most calls accepted within any one second. */
  readonly peakPerSecond: number;
  readonly remainingThisSecond: number;
  readonly remainingToday: number;
}

export function createRateLimiter(clock: Clock, options: RateLimitOptions = {}): RateLimiter {
  const perSecond = options.perSecond ?? 10;
  const perDay = options.perDay ?? 10_000;
  let recent: number[] = [];
  const buckets = new Map<number, number>();
  const forced: number[] = [];
  let used = 0;
  let refused = 0;
  let peakPerSecond = 0;

  const now = () => clock.now().getTime();
  const liveBuckets = (at: number) => {
    const current = Math.floor(at / BUCKET_MS);
    for (const index of buckets.keys()) if (index <= current - BUCKETS_PER_DAY) buckets.delete(index);
    return buckets;
  };
  const usedToday = (at: number) => [...liveBuckets(at).values()].reduce((sum, count) => sum + count, 0);
  const thisSecond = (at: number) => {
    recent = recent.filter((stamp) => stamp > at - 1000);
    return recent;
  };
  const headers = (at = now()): Record<string, string> => ({
    'x-limit-per-second': String(perSecond),
    'x-remaining-this-second': String(Math.max(0, perSecond - thisSecond(at).length)),
    'x-limit-per-day': String(perDay),
    'x-remaining-today': String(Math.max(0, perDay - usedToday(at))),
  });
  const refuse = (at: number, retryAfterSeconds: number, error: string): RateDecision => {
    refused += 1;
    return { ok: false, error, headers: { ...headers(at), 'retry-after': String(retryAfterSeconds) } };
  };

  return {
    take() {
      const at = now();
      const forcedRetry = forced.shift();
      if (forcedRetry !== undefined) return refuse(at, forcedRetry, 'Too many requests');
      const second = thisSecond(at);
      if (second.length >= perSecond) {
        return refuse(at, Math.max(1, Math.ceil((second[0]! + 1000 - at) / 1000)), 'Too many requests');
      }
      if (usedToday(at) >= perDay) {
        const oldest = Math.min(...buckets.keys());
        return refuse(at, Math.ceil(((oldest + BUCKETS_PER_DAY) * BUCKET_MS - at) / 1000), 'Exceeded daily rate limit');
      }
      second.push(at);
      const bucket = Math.floor(at / BUCKET_MS);
      buckets.set(bucket, (buckets.get(bucket) ?? 0) + 1);
      used += 1;
      peakPerSecond = Math.max(peakPerSecond, second.length);
      return { ok: true, headers: headers(at) };
    },
    headers: () => headers(),
    failNext(count = 1, retryAfterSeconds = 1) {
      for (let i = 0; i < count; i += 1) forced.push(retryAfterSeconds);
    },
    get used() {
      return used;
    },
    get refused() {
      return refused;
    },
    get peakPerSecond() {
      return peakPerSecond;
    },
    get remainingThisSecond() {
      return Math.max(0, perSecond - thisSecond(now()).length);
    },
    get remainingToday() {
      return Math.max(0, perDay - usedToday(now()));
    },
  };
}
