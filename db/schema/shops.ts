import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
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
import { products } from './inventory.ts';
import { sales } from './sales.ts';

/**
 * A marketplace shop bodega is connected to. Tokens are AES-256-GCM sealed with ENCRYPTION_KEY (never plain);
 * `status` turns `broken` when the refresh token stops working, and admins are told once (`broken_at`).
 */
export const shopConnections = pgTable(
  'shop_connections',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    platform: text('platform', { enum: ['etsy'] })
      .notNull()
      .default('etsy'),
    shopId: bigint('shop_id', { mode: 'number' }).notNull(),
    shopName: text('shop_name').notNull(),
    memberId: bigint('member_id', { mode: 'number' }).notNull(),
    accessToken: text('access_token').notNull(),
    refreshToken: text('refresh_token').notNull(),
    accessExpiresAt: timestamp('access_expires_at', { withTimezone: true }).notNull(),
    status: text('status', { enum: ['active', 'broken'] })
      .notNull()
      .default('active'),
    brokenAt: timestamp('broken_at', { withTimezone: true }),
    connectedBy: bigint('connected_by', { mode: 'number' }),
    /** The chat that connected it: told when it connects and when it breaks. */
    chatPlatform: text('chat_platform').notNull(),
    chatId: text('chat_id').notNull(),
    locale: text('locale', { enum: ['es', 'en'] }).notNull(),
    /** Receipts modified since this moment are read on the next sync (`min_last_modified`). */
    receiptsSince: timestamp('receipts_since', { withTimezone: true }),
    lastSyncAt: timestamp('last_sync_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('shop_connections_shop').on(table.platform, table.shopId),
    check('shop_connections_status', sql`${table.status} in ('active', 'broken')`),
  ],
);

/** A pending `/connect etsy`: the state's SHA-256, the sealed PKCE verifier, who asked and where; used once. */
export const shopOauthStates = pgTable('shop_oauth_states', {
  stateHash: text('state_hash').primaryKey(),
  verifier: text('verifier').notNull(),
  userId: bigint('user_id', { mode: 'number' }).notNull(),
  chatPlatform: text('chat_platform').notNull(),
  chatId: text('chat_id').notNull(),
  locale: text('locale', { enum: ['es', 'en'] }).notNull(),
  redirectUri: text('redirect_uri').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** One marketplace sync: what it read and did, the calls it spent, and why it stopped if it failed. */
export const syncRuns = pgTable(
  'sync_runs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    connectionId: bigint('connection_id', { mode: 'number' }).references(() => shopConnections.id, {
      onDelete: 'set null',
    }),
    shop: text('shop').notNull(),
    trigger: text('trigger', { enum: ['job', 'command'] }).notNull(),
    status: text('status', { enum: ['running', 'success', 'failed'] })
      .notNull()
      .default('running'),
    read: integer('read').notNull().default(0),
    created: integer('created').notNull().default(0),
    changed: integer('changed').notNull().default(0),
    unchanged: integer('unchanged').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    callsUsed: integer('calls_used').notNull().default(0),
    /** The developer message, for operators and logs. */
    error: text('error'),
    /** What the chat says of it: the failure's catalogue key and its parameters (no reason: the apology). */
    errorReason: text('error_reason'),
    errorDetails: jsonb('error_details'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (table) => [
    index('sync_runs_recent').on(table.connectionId, table.startedAt.desc()),
    check('sync_runs_status', sql`${table.status} in ('running', 'success', 'failed')`),
  ],
);

/**
 * Which bodega product an Etsy listing's product (one variation) is: by listing and its property values
 * (`variant`, '' for a listing without variations), since Etsy renumbers product ids on every inventory update.
 */
export const etsyLinks = pgTable(
  'etsy_links',
  {
    connectionId: bigint('connection_id', { mode: 'number' })
      .notNull()
      .references(() => shopConnections.id, { onDelete: 'cascade' }),
    listingId: bigint('listing_id', { mode: 'number' }).notNull(),
    variant: text('variant').notNull(),
    productId: bigint('product_id', { mode: 'number' })
      .notNull()
      .references(() => products.id),
  },
  (table) => [
    primaryKey({ columns: [table.connectionId, table.listingId, table.variant] }),
    uniqueIndex('etsy_links_product').on(table.productId),
  ],
);

/** Etsy receipts recorded as sales, so a later change of status (shipped, cancelled) ends the same sale. */
export const etsyReceipts = pgTable('etsy_receipts', {
  receiptId: bigint('receipt_id', { mode: 'number' }).primaryKey(),
  connectionId: bigint('connection_id', { mode: 'number' })
    .notNull()
    .references(() => shopConnections.id, { onDelete: 'cascade' }),
  saleId: bigint('sale_id', { mode: 'number' })
    .notNull()
    .references(() => sales.id),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Listings whose quantities must go back to Etsy: a trigger on stock_ledger queues the listing of every linked
 * product changed by anyone but Etsy itself (actor `etsy`), so nothing is lost and nothing is echoed.
 */
export const etsyPushes = pgTable(
  'etsy_pushes',
  {
    connectionId: bigint('connection_id', { mode: 'number' })
      .notNull()
      .references(() => shopConnections.id, { onDelete: 'cascade' }),
    listingId: bigint('listing_id', { mode: 'number' }).notNull(),
    queuedAt: timestamp('queued_at', { withTimezone: true }).notNull().defaultNow(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
  },
  (table) => [primaryKey({ columns: [table.connectionId, table.listingId] })],
);
