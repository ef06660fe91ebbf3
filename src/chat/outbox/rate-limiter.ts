import type { RateWindow } from '../sender.ts';

/** Sliding-window limiter: `delayFor` says how long to wait before the next send under every window. */
export function createRateLimiter(now: () => number = Date.now) {
  const history = new Map<string, number[]>();
  const longest = (windows: RateWindow[]) => Math.max(0, ...windows.map((w) => w.perMs));

  function delayFor(key: string, windows: RateWindow[]): number {
    const at = now();
    const sent = (history.get(key) ?? []).filter((time) => time > at - longest(windows));
    history.set(key, sent);
    let delay = 0;
    for (const window of windows) {
      const inWindow = sent.filter((time) => time > at - window.perMs);
      if (inWindow.length >= window.max) {
        const oldest = inWindow[inWindow.length - window.max] as number;
        delay = Math.max(delay, oldest + window.perMs - at);
      }
    }
    return delay;
  }

  return {
    delayFor,
    record(key: string) {
      const list = history.get(key) ?? [];
      list.push(now());
      history.set(key, list);
    },
    /** Waits until every window of every key allows one more send, then records it. */
    async acquire(entries: Array<{ key: string; windows: RateWindow[] }>, signal?: AbortSignal) {
      for (;;) {
        const delay = Math.max(0, ...entries.map((entry) => delayFor(entry.key, entry.windows)));
        if (delay === 0) break;
        await new Promise((resolve) => setTimeout(resolve, delay));
        if (signal?.aborted) return;
      }
      for (const entry of entries) this.record(entry.key);
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
