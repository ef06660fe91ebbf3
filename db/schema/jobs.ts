import { sql } from 'drizzle-orm';
import { bigserial, check, index, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/** One row per scheduled tick of a job; the unique (job, scheduled_for) claim makes a tick run once across instances. */
export const jobRuns = pgTable(
  'job_runs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    job: text('job').notNull(),
    scheduledFor: timestamp('scheduled_for', { withTimezone: true }).notNull(),
    status: text('status', { enum: ['running', 'success', 'failed', 'skipped'] }).notNull(),
    instance: text('instance').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    error: text('error'),
  },
  (table) => [
    uniqueIndex('job_runs_tick').on(table.job, table.scheduledFor),
    index('job_runs_recent').on(table.job, table.startedAt.desc()),
    check('job_runs_status', sql`${table.status} in ('running', 'success', 'failed', 'skipped')`),
  ],
);
