import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

export const ledgerReasons = [
  'receive',
  'adjust',
  'count',
  'reserve',
  'release',
  'expire',
  'commit',
  'sale',
  'sync',
  'ship',
  'cancel',
] as const;
export type LedgerReason = (typeof ledgerReasons)[number];
/** `shipped` and `cancelled` follow the sale a committed reservation became. */
export const reservationStatuses = ['pending', 'committed', 'shipped', 'cancelled', 'released', 'expired'] as const;
export type ReservationStatus = (typeof reservationStatuses)[number];

/** The seller's own catalogue. SKUs are stored upper-case and trimmed, so lookups are exact. */
export const products = pgTable(
  'products',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    sku: text('sku').notNull(),
    title: text('title').notNull(),
    /** Exact money: integer minor units of `currency` (cents for USD/MXN, yen for JPY). */
    priceMinor: bigint('price_minor', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    lowStockThreshold: integer('low_stock_threshold').notNull().default(0),
    /** False once archived: gone from lists and the storefront API, its ledger and sales kept. */
    active: boolean('active').notNull().default(true),
    source: text('source', { enum: ['manual', 'etsy'] })
      .notNull()
      .default('manual'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('products_sku').on(table.sku),
    check(
      'products_sku_shape',
      sql`${table.sku} = upper(btrim(${table.sku})) and length(${table.sku}) between 1 and 64`,
    ),
    check('products_price', sql`${table.priceMinor} >= 0`),
    check('products_currency', sql`${table.currency} ~ '^[A-Z]{3}$'`),
    check('products_threshold', sql`${table.lowStockThreshold} >= 0`),
  ],
);

/** Levels per product. The database itself refuses an oversell: available can never go below zero. */
export const stockLevels = pgTable(
  'stock_levels',
  {
    productId: bigint('product_id', { mode: 'number' })
      .primaryKey()
      .references(() => products.id),
    total: integer('total').notNull().default(0),
    reserved: integer('reserved').notNull().default(0),
    sold: integer('sold').notNull().default(0),
    available: integer('available').generatedAlwaysAs(sql`total - reserved - sold`),
    /** Set when a low-stock alert went out; cleared once available recovers, so each crossing alerts once. */
    lowAlerted: boolean('low_alerted').notNull().default(false),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    check('stock_levels_total', sql`${table.total} >= 0`),
    check('stock_levels_reserved', sql`${table.reserved} >= 0`),
    check('stock_levels_sold', sql`${table.sold} >= 0`),
    check('stock_levels_no_oversell', sql`${table.reserved} + ${table.sold} <= ${table.total}`),
  ],
);

/** A hold on units. `id` numbers it in chat; the storefront API only ever sees the random `public_id`. */
export const reservations = pgTable(
  'reservations',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    publicId: text('public_id').notNull().default(sql`('res_' || replace(gen_random_uuid()::text, '-', ''))`),
    /**
     * The storefront key that made it; only that key may read or change it through the API. Null for chat holds.
     * No foreign key on purpose: keys are never deleted (only revoked), and a foreign key would share-lock the one
     * key row on every hold of a flash sale.
     */
    apiKeyId: bigint('api_key_id', { mode: 'number' }),
    /**
     * No foreign key, for the same reason (its check share-locks the product row once per hold, from every
     * transaction of a flash sale); products are never deleted (a trigger refuses it), so this cannot dangle.
     */
    productId: bigint('product_id', { mode: 'number' }).notNull(),
    qty: integer('qty').notNull(),
    status: text('status', { enum: reservationStatuses }).notNull().default('pending'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    reference: text('reference'),
    idempotencyKey: text('idempotency_key'),
    /** SHA-256 of the request (sku, qty, ttl, reference): a reused idempotency key with another body is refused. */
    requestHash: text('request_hash'),
    actor: text('actor').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('reservations_idempotency').on(table.idempotencyKey),
    uniqueIndex('reservations_public_id').on(table.publicId),
    // One index for live holds serves the expiry job (all of them are scanned: only live holds are in it), a
    // product's overdue holds when it runs short, and the list by expiry; each hold pays for one index, not two.
    index('reservations_pending').on(table.productId, table.expiresAt).where(sql`${table.status} = 'pending'`),
    check('reservations_qty', sql`${table.qty} > 0`),
    check(
      'reservations_status',
      sql`${table.status} in ('pending', 'committed', 'shipped', 'cancelled', 'released', 'expired')`,
    ),
  ],
);

/** Append-only (a trigger refuses updates and deletes): every change to levels, with who, why and the result. */
export const stockLedger = pgTable(
  'stock_ledger',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** No foreign key, as on reservations: every hold writes one of these rows, and products are never deleted. */
    productId: bigint('product_id', { mode: 'number' }).notNull(),
    reason: text('reason', { enum: ledgerReasons }).notNull(),
    deltaTotal: integer('delta_total').notNull().default(0),
    deltaReserved: integer('delta_reserved').notNull().default(0),
    deltaSold: integer('delta_sold').notNull().default(0),
    totalAfter: integer('total_after').notNull(),
    reservedAfter: integer('reserved_after').notNull(),
    soldAfter: integer('sold_after').notNull(),
    actor: text('actor').notNull(),
    reference: text('reference'),
    note: text('note'),
    /** A retried change carries the same key and is a no-op. */
    idempotencyKey: text('idempotency_key').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('stock_ledger_idempotency').on(table.idempotencyKey),
    index('stock_ledger_product').on(table.productId, table.id),
    check(
      'stock_ledger_reason',
      sql`${table.reason} in ('receive', 'adjust', 'count', 'reserve', 'release', 'expire', 'commit', 'sale', 'sync', 'ship', 'cancel')`,
    ),
  ],
);

/** Storefront API keys; only a SHA-256 of the key is kept, and its first characters to tell keys apart. */
export const apiKeys = pgTable('api_keys', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  name: text('name').notNull(),
  keyHash: text('key_hash').notNull().unique(),
  prefix: text('prefix').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
});

/** Which stock levels a user was last shown (their "view" of a product), so `/stock set` can warn when they changed since. */
export const stockViews = pgTable(
  'stock_views',
  {
    userId: bigint('user_id', { mode: 'number' }).notNull(),
    productId: bigint('product_id', { mode: 'number' })
      .notNull()
      .references(() => products.id),
    lastLedgerId: bigint('last_ledger_id', { mode: 'number' }).notNull(),
    total: integer('total').notNull(),
    shownAt: timestamp('shown_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('stock_views_user_product').on(table.userId, table.productId)],
);
