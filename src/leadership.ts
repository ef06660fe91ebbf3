import type { Database } from '../db/client.ts';
import type { Logger } from './logger.ts';

/**
 * Runs `lead` on exactly one instance: the one holding a session advisory lock named `role`. The others try
 * again every `retryMs`, so a successor takes over when the leader's connection goes away.
 */
export function holdLeadership(database: Database, role: string, log: Logger, lead: () => void, retryMs = 30_000) {
  let connection: Awaited<ReturnType<Database['sql']['reserve']>> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  async function attempt() {
    if (stopped) return;
    try {
      const reserved = await database.sql.reserve();
      const [row] = await reserved<
        { locked: boolean }[]
      >`select pg_try_advisory_lock(hashtext(${`bodega:${role}`})) as locked`;
      if (row?.locked && !stopped) {
        connection = reserved;
        log.info({ role }, 'this instance leads');
        lead();
        return;
      }
      reserved.release();
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
      if (!connection) return;
      await connection`select pg_advisory_unlock(hashtext(${`bodega:${role}`}))`.catch(() => undefined);
      connection.release();
    },
  };
}
