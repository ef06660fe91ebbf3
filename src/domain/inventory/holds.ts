import { createHash } from 'node:crypto';
import { and, eq, gt, lt, not, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { isUniqueViolation } from '../../../db/errors.ts';
import { rawRow, rawRows } from '../../../db/raw.ts';
import { products, stockLevels } from '../../../db/schema/inventory.ts';
import type { Clock } from '../../clock.ts';
import { AppError } from '../../errors.ts';
import { type BatchReport, createHoldBatcher, type EarlierHold, keyRevoked } from './hold-batch.ts';
import { applyChange, insufficient, levelsOf, recheckLowStock } from './levels.ts';
import { checkQuantity, normaliseSku } from './rules.ts';
import type { LowStockNotifier, Reservation } from './types.ts';

export const DEFAULT_TTL_SECONDS = 15 * 60;
const MAX_TTL_SECONDS = 7 * 24 * 60 * 60;

export interface ReserveRequest {
  sku: string;
  qty: number;
  ttlSeconds?: number | undefined;
  reference?: string | undefined;
  /** Scoped by the caller (an API key, a chat message); the same key returns the same reservation. */
  idempotencyKey?: string | undefined;
  /** The storefront key making it; only that key can see or change it through the API. */
  apiKeyId?: number | undefined;
  actor: string;
}

export type ReserveResult = { reservation: Reservation; replayed: boolean };

interface HoldRow extends EarlierHold {
  key_ok: boolean;
  product_id: string | null;
  reservation_id: string | null;
  public_id: string | null;
  may_be_low: boolean | null;
}

type Hold =
  | { outcome: 'held'; reservation: Reservation; productId: number; mayBeLow: boolean }
  | { outcome: 'earlier'; row: HoldRow }
  | { outcome: 'short'; productId: number }
  | { outcome: 'no_product' };

/** A fingerprint of everything the caller asked for, so a reused idempotency key with another body is caught. */
export const fingerprint = (request: ReserveRequest, sku: string) =>
  createHash('sha256')
    .update(JSON.stringify([sku, request.qty, request.ttlSeconds ?? null, request.reference ?? null]))
    .digest('hex');

export interface HoldsDeps {
  db: Db;
  /** The pool the reservation batch statements run on (`Database.batchDb`). */
  batchDb: Db;
  clock: Clock;
  notify?: LowStockNotifier | undefined;
  /** Called as each reservation batch settles: its size, which statement, whether it answered (tests). */
  onHoldBatch?: ((report: BatchReport) => void) | undefined;
}

/** Holds and expiries: the reservation hot path. */
export function createHolds(deps: HoldsDeps) {
  const { db, clock, notify } = deps;

  /**
   * The whole reservation as one statement: the replay check on the idempotency key, the conditional hold on the
   * levels row, the reservation row and its ledger row, written together or not at all. Run on its own it needs no
   * BEGIN/COMMIT round trips, which halves how long a flash sale's hot row stays locked. A retry with the same key
   * finds the earlier reservation and writes nothing, so replays never trip the unique index.
   */
  async function hold(tx: Db, request: ReserveRequest, sku: string, ttl: number, hash: string): Promise<Hold> {
    const expiresAt = new Date(clock.now().getTime() + ttl * 1000);
    const key = request.idempotencyKey ?? null;
    const apiKey = request.apiKeyId ?? null;
    const row = await rawRow<HoldRow>(
      tx,
      sql`
      with k as (select ${apiKey}::bigint is null
        or exists (select 1 from api_keys where id = ${apiKey}::bigint and revoked_at is null) as ok),
      p as (select id, sku, title, low_stock_threshold from products where sku = ${sku} and active and (select ok from k)),
      existing as (
        select r.id, r.public_id, ep.sku, r.qty, r.status, r.expires_at, r.reference, r.request_hash
        from reservations r join products ep on ep.id = r.product_id
        where r.idempotency_key = ${key} and (select ok from k)),
      held as (
        update stock_levels s set reserved = s.reserved + ${request.qty}, updated_at = now()
        from p where s.product_id = p.id and s.total - s.reserved - s.sold >= ${request.qty}
          and not exists (select 1 from existing)
        returning s.product_id, s.total, s.reserved, s.sold, s.available, s.low_alerted),
      made as (
        insert into reservations (product_id, qty, expires_at, reference, idempotency_key, request_hash, api_key_id, actor)
        select product_id, ${request.qty}, ${expiresAt.toISOString()}::timestamptz, ${request.reference ?? null}, ${key},
          ${hash}, ${apiKey}::bigint, ${request.actor}
        from held returning id, public_id),
      logged as (
        insert into stock_ledger (product_id, reason, delta_reserved, total_after, reserved_after, sold_after, actor, reference, idempotency_key)
        select held.product_id, 'reserve', ${request.qty}, held.total, held.reserved, held.sold, ${request.actor},
          coalesce(${request.reference ?? null}, 'reservation:' || made.id), 'reservation:' || made.id || ':reserve'
        from held, made returning id)
      select (select ok from k) as key_ok, p.id as product_id, made.id as reservation_id, made.public_id, (select count(*) from logged) as logged,
        (p.low_stock_threshold > 0 and held.available < p.low_stock_threshold and not held.low_alerted) as may_be_low,
        existing.id as existing_id, existing.public_id as existing_public_id, existing.sku as existing_sku,
        existing.qty as existing_qty, existing.status as existing_status, existing.expires_at as existing_expires_at,
        existing.reference as existing_reference, existing.request_hash as existing_hash
      from (select 1) one left join p on true left join held on true left join made on true left join existing on true`,
    );
    if (row && !row.key_ok) throw keyRevoked();
    if (row?.existing_id) return { outcome: 'earlier', row };
    if (!row?.product_id) return { outcome: 'no_product' };
    const productId = Number(row.product_id);
    if (row.reservation_id === null || row.public_id === null) return { outcome: 'short', productId };
    const reservation: Reservation = {
      id: Number(row.reservation_id),
      publicId: row.public_id,
      sku,
      qty: request.qty,
      status: 'pending',
      expiresAt,
      reference: request.reference ?? null,
    };
    return { outcome: 'held', reservation, productId, mayBeLow: Boolean(row.may_be_low) };
  }

  /** The earlier reservation a repeated idempotency key names; refused when the request differs in any field. */
  function replayOf(row: EarlierHold, request: ReserveRequest, sku: string, hash: string): ReserveResult {
    // Rows from before request fingerprints were kept can only be compared on SKU and quantity.
    const same = row.existing_hash
      ? row.existing_hash === hash
      : row.existing_sku === sku && row.existing_qty === request.qty;
    if (!same) {
      throw new AppError(
        'invalid_input',
        'This Idempotency-Key was used with a different request body',
        {},
        'reservation.key_reused',
      );
    }
    const reservation: Reservation = {
      id: Number(row.existing_id),
      publicId: row.existing_public_id ?? '',
      sku: row.existing_sku ?? sku,
      qty: row.existing_qty ?? request.qty,
      status: row.existing_status ?? 'pending',
      expiresAt: new Date(row.existing_expires_at ?? 0),
      reference: row.existing_reference,
    };
    return { reservation, replayed: true };
  }

  async function holdOrReplay(tx: Db, request: ReserveRequest, sku: string, ttl: number, hash: string) {
    const result = await hold(tx, request, sku, ttl, hash);
    return result.outcome === 'earlier' ? replayOf(result.row, request, sku, hash) : result;
  }

  /** Expires overdue reservations (of one product, or any, in batches, skipping rows others hold); each returns its units. */
  async function expireWhere(tx: Db, filter: ReturnType<typeof sql>, limit: number): Promise<number> {
    const expired = await rawRows<{ id: string; product_id: string; qty: number }>(
      tx,
      sql`
      with due as (
        select id from reservations
        where status = 'pending' and expires_at <= ${clock.now().toISOString()}::timestamptz and ${filter}
        order by product_id, id limit ${limit} for update skip locked)
      update reservations r set status = 'expired', updated_at = now()
      from due where r.id = due.id
      returning r.id, r.product_id, r.qty`,
    );
    // Products in a fixed order, so two expiries of overlapping products cannot deadlock.
    expired.sort((a, b) => Number(a.product_id) - Number(b.product_id) || Number(a.id) - Number(b.id));
    for (const row of expired) {
      await returnExpiredUnits(tx, { id: Number(row.id), productId: Number(row.product_id), qty: row.qty }, notify);
    }
    return expired.length;
  }

  /** Short of stock: expire the product's overdue holds and try once more; the refusal is returned so expiries commit. */
  async function whenShort(tx: Db, request: ReserveRequest, sku: string, ttl: number, hash: string, productId: number) {
    if ((await expireWhere(tx, sql`product_id = ${productId}`, 1_000)) > 0) {
      const second = await holdOrReplay(tx, request, sku, ttl, hash);
      if ('replayed' in second) return second;
      if (second.outcome === 'held') {
        if (second.mayBeLow) await recheckLowStock(tx, productId, notify);
        return { reservation: second.reservation, replayed: false };
      }
    }
    return insufficient((await levelsOf(tx, productId)).available);
  }

  function checkTtl(ttl: number) {
    if (!Number.isInteger(ttl) || ttl < 30 || ttl > MAX_TTL_SECONDS) {
      throw new AppError(
        'invalid_input',
        `ttl_seconds must be a whole number from 30 to ${MAX_TTL_SECONDS}`,
        { ttl_seconds: ttl, min: 30, max: MAX_TTL_SECONDS },
        'reservation.bad_ttl',
      );
    }
  }

  /** One request by itself, in its own statement: the batch's way out for what it cannot settle alone. */
  async function alone(request: ReserveRequest, sku: string, ttl: number, hash: string): Promise<ReserveResult> {
    let first: Awaited<ReturnType<typeof holdOrReplay>>;
    try {
      first = await holdOrReplay(db, request, sku, ttl, hash);
    } catch (error) {
      // Only when two requests with one key race (a plain retry is caught above): answer what the winner made.
      if (!isUniqueViolation(error) || !request.idempotencyKey) throw error;
      first = await holdOrReplay(db, request, sku, ttl, hash);
    }
    if ('replayed' in first) return first;
    if (first.outcome === 'no_product')
      throw new AppError('not_found', `No product with SKU ${sku}`, { sku }, 'product.not_found');
    if (first.outcome === 'short') {
      const outcome = await db.transaction((tx) => whenShort(tx, request, sku, ttl, hash, first.productId));
      if (outcome instanceof AppError) throw outcome;
      return outcome;
    }
    if (first.mayBeLow) await db.transaction((tx) => recheckLowStock(tx, first.productId, notify));
    return { reservation: first.reservation, replayed: false };
  }

  const batcher = createHoldBatcher({
    db: deps.batchDb,
    now: () => clock.now(),
    alone: (item) => alone(item.request, item.sku, item.ttl, item.hash),
    replay: (row, item) => replayOf(row, item.request, item.sku, item.hash),
    lowStock: (productId) => db.transaction((tx) => recheckLowStock(tx, productId, notify)),
    expire: (productId) => db.transaction((tx) => expireWhere(tx, sql`product_id = ${productId}`, 1_000)),
    onBatch: deps.onHoldBatch,
  });

  return {
    /** Holds `qty` units until the TTL ends. Answers `replayed` when this idempotency key already reserved. */
    async reserve(request: ReserveRequest): Promise<ReserveResult> {
      checkQuantity(request.qty);
      const sku = normaliseSku(request.sku);
      const ttl = request.ttlSeconds ?? DEFAULT_TTL_SECONDS;
      checkTtl(ttl);
      const hash = fingerprint(request, sku);
      return batcher.hold({ request, sku, ttl, hash, expiresAt: new Date(clock.now().getTime() + ttl * 1000) });
    },

    /** Queues the alerts a crash may have skipped between a hold and its alert (run by the reservations job). */
    async sweepLowStock(): Promise<number> {
      const due = await db
        .select({ productId: stockLevels.productId })
        .from(stockLevels)
        .innerJoin(products, eq(products.id, stockLevels.productId))
        .where(
          and(
            gt(products.lowStockThreshold, 0),
            lt(stockLevels.available, products.lowStockThreshold),
            not(stockLevels.lowAlerted),
          ),
        );
      for (const row of due) await db.transaction((tx) => recheckLowStock(tx, row.productId, notify));
      return due.length;
    },

    /** Expires every overdue reservation in batches; answers how many. */
    async expireOverdue(batchSize = 500): Promise<number> {
      let total = 0;
      for (;;) {
        const count = await db.transaction((tx) => expireWhere(tx, sql`true`, batchSize));
        total += count;
        if (count < batchSize) return total;
      }
    },
  };
}

/** Returns an expired reservation's units to available (reason `expire`). */
export async function returnExpiredUnits(
  tx: Db,
  row: { id: number; productId: number; qty: number },
  notify?: LowStockNotifier,
) {
  const reference = `reservation:${row.id}`;
  const change = { productId: row.productId, reason: 'expire' as const, deltaReserved: -row.qty, actor: 'system' };
  await applyChange(tx, { ...change, reference, key: `${reference}:expire` }, notify);
}
