import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { products, reservations } from './inventory.ts';

export const saleSources = ['manual', 'api', 'etsy'] as const;
export type SaleSource = (typeof saleSources)[number];
export const saleStatuses = ['committed', 'shipped', 'cancelled'] as const;
export type SaleStatus = (typeof saleStatuses)[number];

/**
 * An order: units sold (counted in `stock_levels.sold`) until it ships, when they leave `total` and `sold` together.
 * Made by committing a reservation (chat or API) or recorded directly (a marketplace receipt).
 */
export const sales = pgTable(
  'sales',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    source: text('source', { enum: saleSources }).notNull(),
    /** The marketplace's own id (an Etsy receipt); unique per source. */
    externalRef: text('external_ref'),
    /** The reservation it was committed from, if any. */
    reservationId: bigint('reservation_id', { mode: 'number' }).references(() => reservations.id),
    /** The caller's key for recording it; the same key answers the same sale. */
    idempotencyKey: text('idempotency_key'),
    /** SHA-256 of what was recorded: the same idempotency key with other lines is refused. */
    requestHash: text('request_hash'),
    currency: text('currency').notNull(),
    status: text('status', { enum: saleStatuses }).notNull().default('committed'),
    actor: text('actor').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    shippedAt: timestamp('shipped_at', { withTimezone: true }),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
  },
  (table) => [
    uniqueIndex('sales_source_external').on(table.source, table.externalRef),
    uniqueIndex('sales_reservation').on(table.reservationId),
    uniqueIndex('sales_idempotency').on(table.idempotencyKey),
    index('sales_open').on(table.id).where(sql`${table.status} = 'committed'`),
    check('sales_source', sql`${table.source} in ('manual', 'api', 'etsy')`),
    check('sales_status', sql`${table.status} in ('committed', 'shipped', 'cancelled')`),
    check('sales_currency', sql`${table.currency} ~ '^[A-Z]{3}$'`),
  ],
);

/** What a sale sold: a product, how many, and the exact unit price in the sale's currency. */
export const saleLines = pgTable(
  'sale_lines',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    saleId: bigint('sale_id', { mode: 'number' })
      .notNull()
      .references(() => sales.id),
    productId: bigint('product_id', { mode: 'number' })
      .notNull()
      .references(() => products.id),
    qty: integer('qty').notNull(),
    unitPriceMinor: bigint('unit_price_minor', { mode: 'number' }).notNull(),
  },
  (table) => [
    index('sale_lines_sale').on(table.saleId),
    index('sale_lines_product').on(table.productId),
    check('sale_lines_qty', sql`${table.qty} > 0`),
    check('sale_lines_price', sql`${table.unitPriceMinor} >= 0`),
  ],
);
