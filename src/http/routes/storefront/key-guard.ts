import type { Clock } from '../../../clock.ts';

export interface KeyGuardOptions {
  clock: Clock;
  /** Whether the key verified recently (asked only of an address that is being slowed). */
  trusted(key: string): boolean;
  /** Refused keys an address may send per window before it is slowed. */
  maxFailures?: number;
  windowMs?: number;
}

const MAX_TRACKED = 10_000;

/**
 * Slows API-key guessing: after `maxFailures` refused keys from one address within the window, that address gets
 * `429` with `Retry-After` without its key being looked up, until the window clears. A key that verified recently
 * still passes, so a shop behind a shared proxy address is not locked out by someone guessing beside it (guessing
 * one of those keys is as hard as guessing any key). Kept per instance, in memory: guesses are slowed, not counted.
 */
export function createKeyGuard(options: KeyGuardOptions) {
  const maxFailures = options.maxFailures ?? 10;
  const windowMs = options.windowMs ?? 60_000;
  const failures = new Map<string, number[]>();

  const recent = (address: string, at: number) => (failures.get(address) ?? []).filter((time) => time > at - windowMs);

  /** Insertion order is age: dropping the oldest keeps memory bounded whatever the traffic. */
  function remember(address: string, times: number[]) {
    failures.delete(address);
    failures.set(address, times);
    const oldest = failures.keys().next();
    if (failures.size > MAX_TRACKED && !oldest.done) failures.delete(oldest.value);
  }

  return {
    /** Seconds the address must wait before its key is checked again; 0 when it may go ahead. */
    retryAfter(address: string, key: string): number {
      const at = options.clock.now().getTime();
      const list = recent(address, at);
      if (list.length < maxFailures || options.trusted(key)) return 0;
      return Math.max(1, Math.ceil(((list[list.length - maxFailures] as number) + windowMs - at) / 1000));
    },
    refused(address: string) {
      const at = options.clock.now().getTime();
      remember(address, [...recent(address, at), at].slice(-maxFailures));
    },
  };
}

export type KeyGuard = ReturnType<typeof createKeyGuard>;
