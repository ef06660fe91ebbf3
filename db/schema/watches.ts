import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, check, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { supplierProducts } from './sourcing.ts';

/**
 * A chat's watch on one supplier product. The alert state lives here so each alert goes out once:
 * `below_alerted` until the price is back at or over the target, `reference_minor` (the price the last
 * change was measured from) and `missing_checks` (unavailable checks in a row).
 */
export const supplierWatches = pgTable(
  'supplier_watches',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    platform: text('platform').notNull(),
    chatId: text('chat_id').notNull(),
    locale: text('locale', { enum: ['es', 'en'] }).notNull(),
    supplierProductId: bigint('supplier_product_id', { mode: 'number' })
      .notNull()
      .references(() => supplierProducts.id),
    currency: text('currency').notNull(),
    belowMinor: bigint('below_minor', { mode: 'number' }),
    changePercent: integer('change_percent'),
    referenceMinor: bigint('reference_minor', { mode: 'number' }).notNull(),
    belowAlerted: boolean('below_alerted').notNull().default(false),
    missingChecks: integer('missing_checks').notNull().default(0),
    lastCheckedAt: timestamp('last_checked_at', { withTimezone: true }),
    lastError: text('last_error'),
    createdBy: bigint('created_by', { mode: 'number' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('supplier_watches_chat_product').on(table.platform, table.chatId, table.supplierProductId),
    check('supplier_watches_change', sql`${table.changePercent} between 1 and 1000`),
    check('supplier_watches_below', sql`${table.belowMinor} > 0`),
  ],
);
