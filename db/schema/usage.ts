import { bigint, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

/**
 * Commands run by short-lived processes (`bodega run`, `bodega chat`), summed here when each one ends so the
 * running server's /metrics can report them: their own counters die with them.
 */
export const commandCounts = pgTable(
  'command_counts',
  {
    command: text('command').notNull(),
    platform: text('platform').notNull(),
    outcome: text('outcome').notNull(),
    count: bigint('count', { mode: 'number' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.command, table.platform, table.outcome] })],
);
