import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/** A supplier's product as last seen, one row per (source, external id). */
export const supplierProducts = pgTable(
  'supplier_products',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    source: text('source').notNull(),
    externalId: text('external_id').notNull(),
    title: text('title').notNull(),
    priceMinor: bigint('price_minor', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    originalPriceMinor: bigint('original_price_minor', { mode: 'number' }),
    rating: text('rating'),
    soldCount: integer('sold_count'),
    imageUrl: text('image_url'),
    storeId: text('store_id'),
    storeName: text('store_name'),
    shippingTags: jsonb('shipping_tags').$type<string[]>().notNull().default([]),
    categoryId: text('category_id'),
    shipDays: integer('ship_days'),
    url: text('url').notNull(),
    available: boolean('available').notNull().default(true),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('supplier_products_source_id').on(table.source, table.externalId),
    check('supplier_products_price', sql`${table.priceMinor} >= 0`),
  ],
);

/** A row whenever a supplier product's price or availability changes (and when first seen). */
export const supplierPriceHistory = pgTable(
  'supplier_price_history',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    supplierProductId: bigint('supplier_product_id', { mode: 'number' })
      .notNull()
      .references(() => supplierProducts.id),
    priceMinor: bigint('price_minor', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    available: boolean('available').notNull(),
    seenAt: timestamp('seen_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('supplier_price_history_product').on(table.supplierProductId, table.seenAt)],
);

/** One supplier search: what was asked, how it went, and (in search_results) what it found, in order. */
export const searches = pgTable('searches', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  source: text('source').notNull(),
  words: text('words').notNull(),
  criteria: jsonb('criteria').notNull(),
  status: text('status', { enum: ['running', 'success', 'failed'] }).notNull(),
  fetched: integer('fetched').notNull().default(0),
  matched: integer('matched').notNull().default(0),
  error: text('error'),
  /** The currency supplier prices came back in when it was not the one asked for (the site ignored it). */
  otherCurrency: text('other_currency'),
  requestedBy: bigint('requested_by', { mode: 'number' }),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
});

export const searchResults = pgTable(
  'search_results',
  {
    searchId: bigint('search_id', { mode: 'number' })
      .notNull()
      .references(() => searches.id),
    position: integer('position').notNull(),
    supplierProductId: bigint('supplier_product_id', { mode: 'number' })
      .notNull()
      .references(() => supplierProducts.id),
  },
  (table) => [primaryKey({ columns: [table.searchId, table.position] })],
);
