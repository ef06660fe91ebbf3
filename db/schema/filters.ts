import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  check,
  date,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { supplierProducts } from './sourcing.ts';

/** A saved search that re-runs on a schedule and tells its chat about products it has not reported yet. */
export const savedFilters = pgTable(
  'saved_filters',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    name: text('name').notNull(),
    platform: text('platform').notNull(),
    chatId: text('chat_id').notNull(),
    locale: text('locale', { enum: ['es', 'en'] }).notNull(),
    words: text('words').notNull(),
    criteria: jsonb('criteria').notNull(),
    createdBy: bigint('created_by', { mode: 'number' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastRunAt: timestamp('last_run_at', { withTimezone: true }),
    cooldownMinutes: integer('cooldown_minutes').notNull().default(55),
    dailyCap: integer('daily_cap').notNull().default(20),
    notifiedDay: date('notified_day'),
    notifiedToday: integer('notified_today').notNull().default(0),
  },
  (table) => [
    uniqueIndex('saved_filters_chat_name').on(table.platform, table.chatId, table.name),
    check('saved_filters_cap', sql`${table.dailyCap} between 1 and 200`),
  ],
);

/** Products a filter has already reported to its chat. */
export const filterSeen = pgTable(
  'filter_seen',
  {
    filterId: bigint('filter_id', { mode: 'number' })
      .notNull()
      .references(() => savedFilters.id, { onDelete: 'cascade' }),
    supplierProductId: bigint('supplier_product_id', { mode: 'number' })
      .notNull()
      .references(() => supplierProducts.id),
    notifiedAt: timestamp('notified_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.filterId, table.supplierProductId] })],
);
