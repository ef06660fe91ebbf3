import type { Clock } from '../clock.ts';
import type { RateWindow } from './sender.ts';

export interface RateLimiter {
  /** Milliseconds until one more event for `key` fits every window; 0 when it fits now. */
  delayFor(key: string, windows: RateWindow[]): number;
  /** Counts one event for `key` now. */
  record(key: string): void;
  /** Counts one event when it fits (answers 0), else answers the delay and counts nothing. */
  take(key: string, windows: RateWindow[]): number;
  /** Waits until one more event fits for every entry, then counts it for each (the outbox: per platform and per chat). */
  acquire(entries: Array<{ key: string; windows: RateWindow[] }>, signal?: AbortSignal): Promise<void>;
  /** Keys currently remembered (a key is forgotten once its events are older than its longest window). */
  size(): number;
}

interface History {
  times: number[];
  /** The longest window this key was checked against: events older than that can never matter again. */
  horizonMs: number;
}

const SWEEP_FROM = 1_000;

/**
 * One sliding-window limiter for everything bodega paces (commands per person, messages per platform and chat).
 * Time comes from the injected clock. Memory stays bounded by forgetting idle keys, never by resetting active ones.
 */
export function createRateLimiter(options: { clock: Clock }): RateLimiter {
  const history = new Map<string, History>();
  const { clock } = options;
  const now = () => options.clock.now().getTime();
  let sweepAt = SWEEP_FROM;

  function recent(key: string, windows: RateWindow[], at: number): number[] {
    const entry = history.get(key);
    const horizonMs = Math.max(entry?.horizonMs ?? 0, ...windows.map((window) => window.perMs));
    const times = (entry?.times ?? []).filter((time) => time > at - horizonMs);
    history.set(key, { times, horizonMs });
    return times;
  }

  function delayFor(key: string, windows: RateWindow[]): number {
    const at = now();
    const times = recent(key, windows, at);
    let delay = 0;
    for (const window of windows) {
      const inWindow = times.filter((time) => time > at - window.perMs);
      if (inWindow.length >= window.max) {
        const oldest = inWindow[inWindow.length - window.max] as number;
        delay = Math.max(delay, oldest + window.perMs - at);
      }
    }
    return delay;
  }

  function record(key: string) {
    const at = now();
    const entry = history.get(key) ?? { times: [], horizonMs: 0 };
    entry.times.push(at);
    history.set(key, entry);
    if (history.size >= sweepAt) sweep(at);
  }

  /** Forgets keys with no event inside their horizon; runs again only once the map has doubled. */
  function sweep(at: number) {
    for (const [key, entry] of history) {
      if (!entry.times.some((time) => time > at - entry.horizonMs)) history.delete(key);
    }
    sweepAt = Math.max(SWEEP_FROM, history.size * 2);
  }

  return {
    delayFor,
    record,
    take(key, windows) {
      const delay = delayFor(key, windows);
      if (delay === 0) record(key);
      return delay;
    },
    async acquire(entries, signal) {
      for (;;) {
        const delay = Math.max(0, ...entries.map((entry) => delayFor(entry.key, entry.windows)));
        if (delay === 0) break;
        await clock.sleep(delay, signal);
        if (signal?.aborted) return;
      }
      for (const entry of entries) record(entry.key);
    },
    size: () => history.size,
  };
}
