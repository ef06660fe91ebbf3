import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, check, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { users } from './people.ts';

export const taskStatuses = ['pending', 'running', 'success', 'failed', 'cancelled'] as const;
export type TaskStatus = (typeof taskStatuses)[number];

/** Long-running work started from chat (search, sync, report, filter run): durable, cancellable, reported back. */
export const tasks = pgTable(
  'tasks',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    kind: text('kind').notNull(),
    status: text('status', { enum: taskStatuses }).notNull().default('pending'),
    input: jsonb('input').notNull(),
    requestedBy: bigint('requested_by', { mode: 'number' }).references(() => users.id),
    platform: text('platform').notNull(),
    chatId: text('chat_id').notNull(),
    locale: text('locale', { enum: ['es', 'en'] }).notNull(),
    /** The platform message that shows progress, edited in place where the platform allows. */
    progressMessage: text('progress_message'),
    progress: text('progress'),
    result: jsonb('result'),
    error: text('error'),
    cancelRequested: boolean('cancel_requested').notNull().default(false),
    /** The message that started it: a retried message finds its task instead of starting a second one. */
    idempotencyKey: text('idempotency_key').unique(),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (table) => [
    index('tasks_queue').on(table.platform, table.id).where(sql`${table.status} in ('pending', 'running')`),
    index('tasks_recent').on(table.requestedBy, table.createdAt.desc()),
    check('tasks_status', sql`${table.status} in ('pending', 'running', 'success', 'failed', 'cancelled')`),
  ],
);
