import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * One row per month's report: the unique period is what makes `monthly-report` send each month once, across retries
 * and instances. A claim is a lease: a run that crashed mid-way is taken over once `lease_until` passes.
 */
export const reportDeliveries = pgTable(
  'report_deliveries',
  {
    period: text('period').primaryKey(),
    status: text('status', { enum: ['sending', 'sent'] }).notNull(),
    claimedBy: text('claimed_by').notNull(),
    leaseUntil: timestamp('lease_until', { withTimezone: true }).notNull(),
    /** Set once the email went out, so a retry after a crash does not send it again. */
    emailedAt: timestamp('emailed_at', { withTimezone: true }),
    emailedTo: text('emailed_to'),
    /** How many chats the report was queued to (the outbox's idempotency keys keep each one single). */
    chats: integer('chats'),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    check('report_deliveries_period', sql`${table.period} ~ '^[0-9]{4}-[0-9]{2}$'`),
    check('report_deliveries_status', sql`${table.status} in ('sending', 'sent')`),
  ],
);

/** A file bodega made (a report) and hands out by signed link; the storage key is never taken from a request. */
export const storedFiles = pgTable(
  'stored_files',
  {
    id: text('id').primaryKey(),
    /** Where the bytes are: a name inside `$DATA_DIR/files`, or an object key in the bucket. */
    storageKey: text('storage_key').notNull(),
    filename: text('filename').notNull(),
    mime: text('mime').notNull(),
    bytes: bigint('bytes', { mode: 'number' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (table) => [index('stored_files_expiry').on(table.expiresAt)],
);
