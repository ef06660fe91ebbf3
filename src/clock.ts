/** Where "now" comes from, injected so TTLs, schedules, expiries and pacing are testable. */
export interface Clock {
  now(): Date;
  /** Waits `ms` of this clock's time, ending early when `signal` aborts; a manual clock just moves forward. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
    }),
};

/** A clock tests move by hand; sleeping on it moves it forward at once. */
export function manualClock(
  start: Date | string = '2026-01-15T12:00:00Z',
): Clock & { advance(ms: number): void; set(at: Date | string): void } {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    sleep: async (ms) => {
      current += Math.max(0, ms);
    },
    advance: (ms) => {
      current += ms;
    },
    set: (at) => {
      current = new Date(at).getTime();
    },
  };
}

/** The calendar day (YYYY-MM-DD) that `at` falls on in an IANA time zone: the shop's "today". */
export function localDay(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** True for an IANA time zone the platform knows (America/Mexico_City, Europe/Madrid, UTC). */
export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
