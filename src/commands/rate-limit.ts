/** About `max` commands per `windowMs` per identity, so one runaway script cannot flood the shop. */
export function createCommandRateLimit(options: { max?: number; windowMs?: number; now?: () => number } = {}) {
  const max = options.max ?? 20;
  const windowMs = options.windowMs ?? 60_000;
  const now = options.now ?? Date.now;
  const seen = new Map<string, number[]>();
  return {
    /** Counts one command; answers the seconds to wait when over the limit, else 0. */
    hit(identity: string): number {
      const at = now();
      const recent = (seen.get(identity) ?? []).filter((time) => time > at - windowMs);
      if (recent.length >= max) {
        seen.set(identity, recent);
        return Math.ceil(((recent[0] as number) + windowMs - at) / 1000);
      }
      recent.push(at);
      seen.set(identity, recent);
      if (seen.size > 10_000) seen.clear();
      return 0;
    },
  };
}

export type CommandRateLimit = ReturnType<typeof createCommandRateLimit>;
