import { createRateLimiter } from '../chat/rate-limiter.ts';
import { type Clock, systemClock } from '../clock.ts';

/** What the router does with one command: run it, or refuse it (telling the person once per window). */
export type RateDecision = { allowed: true } | { allowed: false; waitSeconds: number; tell: boolean };

export interface CommandRateLimit {
  /** Counts one command for `identity`. */
  hit(identity: string): RateDecision;
}

/**
 * About `max` commands per `windowMs` per identity, so one runaway script cannot flood the shop. A person over the
 * limit hears "too fast" once per window; further commands inside it are dropped silently instead of each queueing a reply.
 */
export function createCommandRateLimit(
  options: { max?: number; windowMs?: number; clock?: Clock } = {},
): CommandRateLimit {
  const clock = options.clock ?? systemClock;
  const windowMs = options.windowMs ?? 60_000;
  const windows = [{ max: options.max ?? 20, perMs: windowMs }];
  const limiter = createRateLimiter({ clock });
  const told = createRateLimiter({ clock });
  return {
    hit(identity) {
      const delay = limiter.take(identity, windows);
      if (delay === 0) return { allowed: true };
      const tell = told.take(identity, [{ max: 1, perMs: windowMs }]) === 0;
      return { allowed: false, waitSeconds: Math.ceil(delay / 1000), tell };
    },
  };
}
