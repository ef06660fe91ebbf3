import { createHash } from 'node:crypto';
import type { Clock } from '../../../clock.ts';

export interface KeyGuardOptions {
  clock: Clock;
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
  const trusted = new Map<string, true>();
  const digest = (key: string) => createHash('sha256').update(key).digest('hex');

  const recent = (address: string, at: number) => (failures.get(address) ?? []).filter((time) => time > at - windowMs);

  /** Insertion order is age: dropping the oldest keeps memory bounded whatever the traffic. */
  function remember<T>(map: Map<string, T>, key: string, value: T) {
    map.delete(key);
    map.set(key, value);
    const oldest = map.keys().next();
    if (map.size > MAX_TRACKED && !oldest.done) map.delete(oldest.value);
  }

  return {
    /** Seconds the address must wait before its key is checked again; 0 when it may go ahead. */
    retryAfter(address: string, key: string): number {
      const at = options.clock.now().getTime();
      const list = recent(address, at);
      if (list.length < maxFailures || trusted.has(digest(key))) return 0;
      return Math.max(1, Math.ceil(((list[list.length - maxFailures] as number) + windowMs - at) / 1000));
    },
    refused(address: string) {
      const at = options.clock.now().getTime();
      remember(failures, address, [...recent(address, at), at].slice(-maxFailures));
    },
    accepted(key: string) {
      remember(trusted, digest(key), true);
    },
  };
}

export type KeyGuard = ReturnType<typeof createKeyGuard>;
