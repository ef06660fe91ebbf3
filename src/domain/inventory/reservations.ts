import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import type { ReservationStatus } from '../../../db/schema/inventory.ts';
import type { Clock } from '../../clock.ts';
import { AppError } from '../../errors.ts';
import { applyChange, insufficient, isUniqueViolation } from './levels.ts';
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

  /**
   * Expires overdue reservations (of one product, or any, in batches); each returns its units to available.
   * Batches skip rows another transaction holds; expiring one named reservation waits for it instead, so
   * a commit and the expiry job can never both step aside and leave it pending.
   */
  async function expireWhere(tx: Db, filter: ReturnType<typeof sql>, limit: number, locking: 'skip' | 'wait' = 'skip'): Promise<number> {
    const expired = (await tx.execute(sql`
      with due as (
        select id from reservations
        where status = 'pending' and expires_at <= ${clock.now().toISOString()}::timestamptz and ${filter}
        order by product_id, id limit ${limit} for update ${locking === 'skip' ? sql`skip locked` : sql``})
      update reservations r set status = 'expired', updated_at = now()
      from due where r.id = due.id
      returning r.id, r.product_id, r.qty`)) as unknown as Array<{ id: string; product_id: string; qty: number }>;
    // Products in a fixed order, so two expiries of overlapping products cannot deadlock.
    expired.sort((a, b) => Number(a.product_id) - Number(b.product_id) || Number(a.id) - Number(b.id));
    for (const row of expired) {
      await applyChange(tx, {
        productId: Number(row.product_id), reason: 'expire', deltaReserved: -row.qty,
        actor: 'system', reference: `reservation:${row.id}`, key: `reservation:${row.id}:expire`,
      }, notify);
    }
    return expired.length;
  }

  /** One transaction: the reservation row, then the conditional hold with its ledger row; any refusal rolls both back. */
  async function reserveOnce(tx: Db, request: ReserveRequest, sku: string, ttl: number): Promise<Reservation> {
    const [product] = (await tx.execute(sql`select id from products where sku = ${sku} and active`)) as unknown as Array<{ id: string }>;
    if (!product) throw new AppError('not_found', `No product with SKU ${sku}`, { sku });
    const productId = Number(product.id);
    const expiresAt = new Date(clock.now().getTime() + ttl * 1000);
    const [created] = (await tx.execute(sql`
      insert into reservations (product_id, qty, expires_at, reference, idempotency_key, actor)
      values (${productId}, ${request.qty}, ${expiresAt.toISOString()}::timestamptz, ${request.reference ?? null}, ${request.idempotencyKey ?? null}, ${request.actor})
      returning id`)) as unknown as Array<{ id: string }>;
    const id = Number(created?.id);
    const hold = () => applyChange(tx, {
      productId, reason: 'reserve', deltaReserved: request.qty,
      actor: request.actor, reference: request.reference ?? `reservation:${id}`, key: `reservation:${id}:reserve`,
    }, notify);
    let held = await hold();
    if (!held && (await expireWhere(tx, sql`product_id = ${productId}`, 1_000)) > 0) held = await hold();
    if (!held) {
      const [row] = (await tx.execute(sql`select available from stock_levels where product_id = ${productId}`)) as unknown as Array<{ available: number }>;
      throw insufficient(row?.available ?? 0);
    }
    return { id, sku, qty: request.qty, status: 'pending', expiresAt, reference: request.reference ?? null };
  }

  return {
    /** Holds `qty` units until the TTL ends. Answers `replayed` when this idempotency key already reserved. */
    async reserve(request: ReserveRequest): Promise<{ reservation: Reservation; replayed: boolean }> {
      checkQuantity(request.qty);
      const sku = normaliseSku(request.sku);
      const ttl = request.ttlSeconds ?? DEFAULT_TTL_SECONDS;
      if (!Number.isInteger(ttl) || ttl < 30 || ttl > MAX_TTL_SECONDS) {
        throw new AppError('invalid_input', `ttl_seconds must be a whole number from 30 to ${MAX_TTL_SECONDS}`, { ttl_seconds: ttl });
      }
      const replay = async () => {
        if (!request.idempotencyKey) return undefined;
        const existing = await find(db, sql`r.idempotency_key = ${request.idempotencyKey}`);
        if (!existing) return undefined;
        if (existing.sku !== sku || existing.qty !== request.qty) {
          throw new AppError('conflict', 'This Idempotency-Key was used for a different request', {}, 'reservation.key_reused');
        }
        return { reservation: toReservation(existing), replayed: true };
      };
      const earlier = await replay();
      if (earlier) return earlier;
      try {
        return { reservation: await db.transaction((tx) => reserveOnce(tx, request, sku, ttl)), replayed: false };
      } catch (error) {
        const raced = isUniqueViolation(error) ? await replay() : undefined;
        if (raced) return raced;
        throw error;
      }
    },

    /** Turns a live reservation into a sale; a second commit answers the same; an expired or released one is refused. */
    async commit(id: number, actor: string): Promise<Reservation> {
      return db.transaction(async (tx) => {
        const claimed = (await tx.execute(sql`
          update reservations set status = 'committed', updated_at = now()
          where id = ${id} and status = 'pending' and expires_at > ${clock.now().toISOString()}::timestamptz
          returning id, product_id, qty`)) as unknown as Array<{ product_id: string; qty: number }>;
        const row = claimed[0];
        if (row) {
          await applyChange(tx, {
            productId: Number(row.product_id), reason: 'commit', deltaReserved: -row.qty, deltaSold: row.qty,
            actor, reference: `reservation:${id}`, key: `reservation:${id}:commit`,
          }, notify);
          return toReservation((await find(tx, sql`r.id = ${id}`)) as ReservationRow);
        }
        const current = await find(tx, sql`r.id = ${id}`);
        if (!current) throw new AppError('not_found', `No reservation ${id}`, { id });
        if (current.status === 'committed') return toReservation(current);
        if (current.status === 'pending') await expireWhere(tx, sql`id = ${id}`, 1, 'wait');
        const status = current.status === 'pending' ? 'expired' : current.status;
        const reason = status === 'released' ? 'reservation.released_already' : 'reservation.expired';
        throw new AppError('conflict', `Reservation ${id} is ${status}`, { id, status }, reason);
      });
    },

    /** Returns a live reservation's units to available; releasing again, or after expiry, answers its final state. */
    async release(id: number, actor: string): Promise<Reservation> {
      return db.transaction(async (tx) => {
        const claimed = (await tx.execute(sql`
          update reservations set status = 'released', updated_at = now()
          where id = ${id} and status = 'pending' returning id, product_id, qty`)) as unknown as Array<{ product_id: string; qty: number }>;
        const row = claimed[0];
        if (row) {
          await applyChange(tx, {
            productId: Number(row.product_id), reason: 'release', deltaReserved: -row.qty,
            actor, reference: `reservation:${id}`, key: `reservation:${id}:release`,
          }, notify);
        }
        const current = await find(tx, sql`r.id = ${id}`);
        if (!current) throw new AppError('not_found', `No reservation ${id}`, { id });
        if (current.status === 'committed') {
          throw new AppError('conflict', `Reservation ${id} is committed`, { id, status: 'committed' }, 'reservation.committed');
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
