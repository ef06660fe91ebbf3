import type { Database } from '../db/client.ts';
import { type HeldLock, trySessionLock } from '../db/locks.ts';
import type { Logger } from './logger.ts';

/**
 * Runs `lead` on exactly one instance: the one holding a session advisory lock named `role`. The others try
 * again every `retryMs`, so a successor takes over when the leader's connection goes away.
 */
export function holdLeadership(database: Database, role: string, log: Logger, lead: () => void, retryMs = 30_000) {
  let held: HeldLock | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  async function attempt() {
    if (stopped) return;
    try {
      held = await trySessionLock(database.sql, `bodega:${role}`);
      if (held && stopped) await held.release();
      if (held && !stopped) {
        log.info({ role }, 'this instance leads');
        lead();
        return;
      }
    } catch (error) {
      log.warn({ err: error, role }, 'leadership attempt failed');
    }
    timer = setTimeout(() => void attempt(), retryMs);
  }

  void attempt();
  return {
    async release() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await held?.release();
    },
  };
}
