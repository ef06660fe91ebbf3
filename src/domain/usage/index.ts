import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { commandCounts } from '../../../db/schema/usage.ts';

export interface CommandCount {
  command: string;
  platform: string;
  outcome: string;
  count: number;
}

/** Command counts that outlive the process that ran them (`bodega run`, `bodega chat`). */
export function createUsage({ db }: { db: Db }) {
  return {
    /** Adds one process's counts to the totals. */
    async add(counts: CommandCount[]): Promise<void> {
      const rows = counts.filter((entry) => entry.count > 0);
      if (rows.length === 0) return;
      await db
        .insert(commandCounts)
        .values(rows)
        .onConflictDoUpdate({
          target: [commandCounts.command, commandCounts.platform, commandCounts.outcome],
          set: { count: sql`${commandCounts.count} + excluded.count` },
        });
    },

    async totals(): Promise<CommandCount[]> {
      return db.select().from(commandCounts);
    },
  };
}

export type Usage = ReturnType<typeof createUsage>;
