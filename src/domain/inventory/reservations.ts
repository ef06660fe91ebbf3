import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { isUniqueViolation } from '../../../db/errors.ts';
import type { ReservationStatus } from '../../../db/schema/inventory.ts';
import type { Clock } from '../../clock.ts';
import { AppError } from '../../errors.ts';
import { applyChange, insufficient, recheckLowStock } from './levels.ts';
import { checkQuantity, normaliseSku } from './stock.ts';
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
  actor: string;
}

interface ReservationRow {
  id: string;
  sku: string;
  product_id: string;
  qty: number;
  status: ReservationStatus;
  expires_at: Date | string;
  reference: string | null;
}

type ReserveResult = { reservation: Reservation; replayed: boolean };

type HoldResult =
  | { outcome: 'held'; reservation: Reservation; productId: number; mayBeLow: boolean }
  | { outcome: 'short'; productId: number }
  | { outcome: 'no_product' };

const toReservation = (row: ReservationRow): Reservation => ({
  id: Number(row.id),
  sku: row.sku,
  qty: row.qty,
  status: row.status,
  expiresAt: new Date(row.expires_at),
  reference: row.reference,
});

export function createReservations(deps: { db: Db; clock: Clock; notify?: LowStockNotifier | undefined }) {
  const { db, clock, notify } = deps;

  async function find(tx: Db, where: ReturnType<typeof sql>): Promise<ReservationRow | undefined> {
    const rows = (await tx.execute(sql`
      select r.id, p.sku, r.product_id, r.qty, r.status, r.expires_at, r.reference
      from reservations r join products p on p.id = r.product_id where ${where}`)) as unknown as ReservationRow[];
    return rows[0];
  }

  /** Expires overdue reservations (of one product, or any, in batches, skipping rows others hold); each returns its units. */
  async function expireWhere(tx: Db, filter: ReturnType<typeof sql>, limit: number): Promise<number> {
    const expired = (await tx.execute(sql`
      with due as (
        select id from reservations
        where status = 'pending' and expires_at <= ${clock.now().toISOString()}::timestamptz and ${filter}
        order by product_id, id limit ${limit} for update skip locked)
      update reservations r set status = 'expired', updated_at = now()
      from due where r.id = due.id
      returning r.id, r.product_id, r.qty`)) as unknown as Array<{ id: string; product_id: string; qty: number }>;
    // Products in a fixed order, so two expiries of overlapping products cannot deadlock.
    expired.sort((a, b) => Number(a.product_id) - Number(b.product_id) || Number(a.id) - Number(b.id));
    for (const row of expired) await returnUnits(tx, row);
    return expired.length;
  }

  async function returnUnits(tx: Db, row: { id: string; product_id: string; qty: number }) {
    await applyChange(
      tx,
      {
        productId: Number(row.product_id),
        reason: 'expire',
        deltaReserved: -row.qty,
        actor: 'system',
        reference: `reservation:${row.id}`,
        key: `reservation:${row.id}:expire`,
      },
      notify,
    );
  }

  /**
   * Expires one named overdue reservation with a plain conditional UPDATE: it waits for a concurrent expiry
   * or commit and re-checks the status, so exactly one of them changes the row.
   */
  async function expireOne(tx: Db, id: number) {
    const rows = (await tx.execute(sql`
      update reservations set status = 'expired', updated_at = now()
      where id = ${id} and status = 'pending' and expires_at <= ${clock.now().toISOString()}::timestamptz
      returning id, product_id, qty`)) as unknown as Array<{ id: string; product_id: string; qty: number }>;
    for (const row of rows) await returnUnits(tx, row);
  }

  /**
   * The whole reservation as one statement: the conditional hold on the levels row, the reservation row and its
   * ledger row, written together or not at all. Run on its own it needs no BEGIN/COMMIT round trips, which halves
   * how long a flash sale's hot row stays locked. It reports whether the hold may have crossed the low-stock line.
   */
  async function holdInOneStatement(tx: Db, request: ReserveRequest, sku: string, ttl: number): Promise<HoldResult> {
    const expiresAt = new Date(clock.now().getTime() + ttl * 1000);
    const rows = (await tx.execute(sql`
      with p as (select id, sku, title, low_stock_threshold from products where sku = ${sku} and active),
      held as (
        update stock_levels s set reserved = s.reserved + ${request.qty}, updated_at = now()
        from p where s.product_id = p.id and s.total - s.reserved - s.sold >= ${request.qty}
        returning s.product_id, s.total, s.reserved, s.sold, s.available, s.low_alerted),
      made as (
        insert into reservations (product_id, qty, expires_at, reference, idempotency_key, actor)
        select product_id, ${request.qty}, ${expiresAt.toISOString()}::timestamptz, ${request.reference ?? null}, ${request.idempotencyKey ?? null}, ${request.actor}
        from held returning id),
      logged as (
        insert into stock_ledger (product_id, reason, delta_reserved, total_after, reserved_after, sold_after, actor, reference, idempotency_key)
        select held.product_id, 'reserve', ${request.qty}, held.total, held.reserved, held.sold, ${request.actor},
          coalesce(${request.reference ?? null}, 'reservation:' || made.id), 'reservation:' || made.id || ':reserve'
        from held, made returning id)
      select p.id as product_id, made.id as reservation_id, (select count(*) from logged) as logged,
        (p.low_stock_threshold > 0 and held.available < p.low_stock_threshold and not held.low_alerted) as may_be_low
      from p left join held on true left join made on true`)) as unknown as Array<{
      product_id: string;
      reservation_id: string | null;
      may_be_low: boolean | null;
    }>;
    const row = rows[0];
    if (!row) return { outcome: 'no_product' };
    const productId = Number(row.product_id);
    if (row.reservation_id === null) return { outcome: 'short', productId };
    const reservation: Reservation = {
      id: Number(row.reservation_id),
      sku,
      qty: request.qty,
      status: 'pending',
      expiresAt,
      reference: request.reference ?? null,
    };
    return { outcome: 'held', reservation, productId, mayBeLow: Boolean(row.may_be_low) };
  }

  /** Short of stock: a retry of a request that took the last units is a replay; else expire overdue holds and try once more. */
  async function whenShort(
    tx: Db,
    request: ReserveRequest,
    sku: string,
    ttl: number,
    productId: number,
    replay: (on: Db) => Promise<ReserveResult | undefined>,
  ): Promise<ReserveResult | AppError> {
    const earlier = await replay(tx);
    if (earlier) return earlier;
    if ((await expireWhere(tx, sql`product_id = ${productId}`, 1_000)) > 0) {
      const second = await holdInOneStatement(tx, request, sku, ttl);
      if (second.outcome === 'held') {
        if (second.mayBeLow) await alertIfLow(tx, productId);
        return { reservation: second.reservation, replayed: false };
      }
    }
    const [levels] = (await tx.execute(
      sql`select available from stock_levels where product_id = ${productId}`,
    )) as unknown as Array<{ available: number }>;
    // Returned, not thrown: the expiries above must commit even though this request is refused.
    return insufficient(levels?.available ?? 0);
  }

  /** Flips the product's alert flag and queues its alert in one transaction, if it is (still) below its threshold. */
  const alertIfLow = (tx: Db, productId: number) => recheckLowStock(tx, productId, notify);

  return {
    /** Holds `qty` units until the TTL ends. Answers `replayed` when this idempotency key already reserved. */
    async reserve(request: ReserveRequest): Promise<ReserveResult> {
      checkQuantity(request.qty);
      const sku = normaliseSku(request.sku);
      const ttl = request.ttlSeconds ?? DEFAULT_TTL_SECONDS;
      if (!Number.isInteger(ttl) || ttl < 30 || ttl > MAX_TTL_SECONDS) {
        throw new AppError(
          'invalid_input',
          `ttl_seconds must be a whole number from 30 to ${MAX_TTL_SECONDS}`,
          { ttl_seconds: ttl, max: MAX_TTL_SECONDS / 60 },
          'reservation.bad_ttl',
        );
      }
      const replay = async (on: Db) => {
        if (!request.idempotencyKey) return undefined;
        const existing = await find(on, sql`r.idempotency_key = ${request.idempotencyKey}`);
        if (!existing) return undefined;
        if (existing.sku !== sku || existing.qty !== request.qty) {
          throw new AppError(
            'conflict',
            'This Idempotency-Key was used for a different request',
            {},
            'reservation.key_reused',
          );
        }
        return { reservation: toReservation(existing), replayed: true };
      };
      let first: HoldResult;
      try {
        first = await holdInOneStatement(db, request, sku, ttl);
      } catch (error) {
        // The same key is being (or was) used by a concurrent request: answer what that one made.
        const raced = isUniqueViolation(error) ? await replay(db) : undefined;
        if (raced) return raced;
        throw error;
      }
      if (first.outcome === 'no_product')
        throw new AppError('not_found', `No product with SKU ${sku}`, { sku }, 'stock.no_product');
      if (first.outcome === 'short') {
        const outcome = await db.transaction((tx) => whenShort(tx, request, sku, ttl, first.productId, replay));
        if (outcome instanceof AppError) throw outcome;
        return outcome;
      }
      if (first.mayBeLow) await db.transaction((tx) => alertIfLow(tx, first.productId));
      return { reservation: first.reservation, replayed: false };
    },

    /** Queues the alerts a crash may have skipped between a hold and its alert (run by the reservations job). */
    async sweepLowStock(): Promise<number> {
      const due = (await db.execute(sql`
        select s.product_id from stock_levels s join products p on p.id = s.product_id
        where p.low_stock_threshold > 0 and s.available < p.low_stock_threshold and not s.low_alerted`)) as unknown as Array<{
        product_id: string;
      }>;
      for (const row of due) await db.transaction((tx) => alertIfLow(tx, Number(row.product_id)));
      return due.length;
    },

    /** Turns a live reservation into a sale; a second commit answers the same; an expired or released one is refused. */
    async commit(id: number, actor: string): Promise<Reservation> {
      // The refusal is raised after the transaction commits, so expiring an overdue reservation here is kept.
      const outcome = await db.transaction(async (tx): Promise<Reservation | AppError> => {
        const claimed = (await tx.execute(sql`
          update reservations set status = 'committed', updated_at = now()
          where id = ${id} and status = 'pending' and expires_at > ${clock.now().toISOString()}::timestamptz
          returning id, product_id, qty`)) as unknown as Array<{ product_id: string; qty: number }>;
        const row = claimed[0];
        if (row) {
          await applyChange(
            tx,
            {
              productId: Number(row.product_id),
              reason: 'commit',
              deltaReserved: -row.qty,
              deltaSold: row.qty,
              actor,
              reference: `reservation:${id}`,
              key: `reservation:${id}:commit`,
            },
            notify,
          );
          return toReservation((await find(tx, sql`r.id = ${id}`)) as ReservationRow);
        }
        const current = await find(tx, sql`r.id = ${id}`);
        if (!current) return new AppError('not_found', `No reservation ${id}`, { id }, 'reservation.not_found');
        if (current.status === 'committed') return toReservation(current);
        if (current.status === 'pending') await expireOne(tx, id);
        const status = current.status === 'pending' ? 'expired' : current.status;
        const reason = status === 'released' ? 'reservation.released_already' : 'reservation.expired';
        return new AppError('conflict', `Reservation ${id} is ${status}`, { id, status }, reason);
      });
      if (outcome instanceof AppError) throw outcome;
      return outcome;
    },

    /** Returns a live reservation's units to available; releasing again, or after expiry, answers its final state. */
    async release(id: number, actor: string): Promise<Reservation> {
      return db.transaction(async (tx) => {
        const claimed = (await tx.execute(sql`
          update reservations set status = 'released', updated_at = now()
          where id = ${id} and status = 'pending' returning id, product_id, qty`)) as unknown as Array<{
          product_id: string;
          qty: number;
        }>;
        const row = claimed[0];
        if (row) {
          await applyChange(
            tx,
            {
              productId: Number(row.product_id),
              reason: 'release',
              deltaReserved: -row.qty,
              actor,
              reference: `reservation:${id}`,
              key: `reservation:${id}:release`,
            },
            notify,
          );
        }
        const current = await find(tx, sql`r.id = ${id}`);
        if (!current) throw new AppError('not_found', `No reservation ${id}`, { id }, 'reservation.not_found');
        if (current.status === 'committed') {
          throw new AppError(
            'conflict',
            `Reservation ${id} is committed`,
            { id, status: 'committed' },
            'reservation.committed',
          );
        }
        return toReservation(current);
      });
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

    async get(id: number): Promise<Reservation | undefined> {
      const row = await find(db, sql`r.id = ${id}`);
      return row ? toReservation(row) : undefined;
    },
  };
}

export type Reservations = ReturnType<typeof createReservations>;
