import { and, asc, eq, gt, lte, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { products, reservations } from '../../../db/schema/inventory.ts';
import { sales } from '../../../db/schema/sales.ts';
import { AppError, type Reason } from '../../errors.ts';
import { createHolds, type HoldsDeps, returnExpiredUnits } from './holds.ts';
import { applyChange } from './levels.ts';
import { saleFromReservation, shipInTx } from './sales.ts';
import type { ActiveReservation, Outcome, Page, Reservation, ReservationRef } from './types.ts';

export { DEFAULT_TTL_SECONDS, type ReserveRequest, type ReserveResult } from './holds.ts';

const columns = {
  id: reservations.id,
  publicId: reservations.publicId,
  sku: products.sku,
  qty: reservations.qty,
  status: reservations.status,
  expiresAt: reservations.expiresAt,
  reference: reservations.reference,
};

const claimed = { id: reservations.id, productId: reservations.productId, qty: reservations.qty };

/** The SQL condition for a reference: a chat number, or a public id only together with the key that made it. */
function matches(ref: ReservationRef): SQL | undefined {
  return 'id' in ref
    ? eq(reservations.id, ref.id)
    : and(eq(reservations.publicId, ref.publicId), eq(reservations.apiKeyId, ref.apiKeyId));
}

const label = (ref: ReservationRef) => ('id' in ref ? String(ref.id) : ref.publicId);

function refusal(ref: ReservationRef, status: string, reason: Reason): AppError {
  return new AppError('conflict', `Reservation ${label(ref)} is ${status}`, { id: label(ref), status }, reason);
}

/** Reservations: the hot path (holds.ts) and what follows a hold: commit, release, ship, and lists. */
export function createReservations(deps: HoldsDeps) {
  const { db, clock, notify } = deps;
  const now = () => clock.now();

  async function find(tx: Db, ref: ReservationRef): Promise<Reservation | undefined> {
    const [row] = await tx
      .select(columns)
      .from(reservations)
      .innerJoin(products, eq(products.id, reservations.productId))
      .where(matches(ref));
    return row;
  }

  async function mustFind(tx: Db, ref: ReservationRef): Promise<Reservation> {
    const found = await find(tx, ref);
    if (!found)
      throw new AppError('not_found', `No reservation ${label(ref)}`, { id: label(ref) }, 'reservation.not_found');
    return found;
  }

  /** Expires one named overdue reservation; a concurrent commit or expiry waits and re-checks, so one of them wins. */
  async function expireOne(tx: Db, ref: ReservationRef) {
    const [row] = await tx
      .update(reservations)
      .set({ status: 'expired', updatedAt: sql`now()` })
      .where(and(matches(ref), eq(reservations.status, 'pending'), lte(reservations.expiresAt, now())))
      .returning(claimed);
    if (row) await returnExpiredUnits(tx, row, notify);
  }

  async function commitInTx(tx: Db, ref: ReservationRef, actor: string): Promise<Outcome<Reservation> | AppError> {
    const [row] = await tx
      .update(reservations)
      .set({ status: 'committed', updatedAt: sql`now()` })
      .where(and(matches(ref), eq(reservations.status, 'pending'), gt(reservations.expiresAt, now())))
      .returning({ ...claimed, apiKeyId: reservations.apiKeyId });
    if (row) {
      const reference = `reservation:${row.id}`;
      const change = {
        productId: row.productId,
        reason: 'commit' as const,
        deltaReserved: -row.qty,
        deltaSold: row.qty,
      };
      await applyChange(tx, { ...change, actor, reference, key: `${reference}:commit` }, notify);
      await saleFromReservation(tx, { ...row, actor });
      return { value: await mustFind(tx, ref), changed: true };
    }
    const current = await find(tx, ref);
    if (!current)
      return new AppError('not_found', `No reservation ${label(ref)}`, { id: label(ref) }, 'reservation.not_found');
    if (current.status === 'committed' || current.status === 'shipped') return { value: current, changed: false };
    if (current.status === 'pending') await expireOne(tx, ref);
    const status = current.status === 'pending' ? 'expired' : current.status;
    return refusal(ref, status, status === 'released' ? 'reservation.released_already' : `reservation.${status}`);
  }

  return {
    ...createHolds(deps),

    /** Turns a live reservation into a sale; a second commit answers the same unchanged; an expired or released one is refused. */
    async commit(ref: ReservationRef, actor: string): Promise<Outcome<Reservation>> {
      // The refusal is raised after the transaction commits, so expiring an overdue reservation here is kept.
      const outcome = await db.transaction((tx) => commitInTx(tx, ref, actor));
      if (outcome instanceof AppError) throw outcome;
      return outcome;
    },

    /** Returns a live reservation's units to available; releasing again, or after expiry, answers it unchanged. */
    async release(ref: ReservationRef, actor: string): Promise<Outcome<Reservation>> {
      return db.transaction(async (tx) => {
        const [row] = await tx
          .update(reservations)
          .set({ status: 'released', updatedAt: sql`now()` })
          .where(and(matches(ref), eq(reservations.status, 'pending')))
          .returning(claimed);
        if (row) {
          const reference = `reservation:${row.id}`;
          const change = { productId: row.productId, reason: 'release' as const, deltaReserved: -row.qty };
          await applyChange(tx, { ...change, actor, reference, key: `${reference}:release` }, notify);
        }
        const current = await mustFind(tx, ref);
        if (['committed', 'shipped', 'cancelled'].includes(current.status))
          throw refusal(ref, current.status, 'reservation.committed');
        return { value: current, changed: Boolean(row) };
      });
    },

    /** Ships the sale a committed reservation became; shipping again answers it unchanged; anything else is refused. */
    async ship(ref: ReservationRef, actor: string): Promise<Outcome<Reservation>> {
      return db.transaction(async (tx) => {
        const current = await mustFind(tx, ref);
        if (current.status === 'shipped') return { value: current, changed: false };
        if (current.status !== 'committed') throw refusal(ref, current.status, 'reservation.not_committed');
        const [sale] = await tx.select({ id: sales.id }).from(sales).where(eq(sales.reservationId, current.id));
        if (!sale) throw new Error(`committed reservation ${current.id} has no sale`);
        const changed = await shipInTx(tx, { saleId: sale.id, actor, at: now(), notify });
        return { value: await mustFind(tx, ref), changed };
      });
    },

    get: (ref: ReservationRef) => find(db, ref),

    /** Holds still live, the soonest to expire first. */
    async active(page: { limit: number; offset: number }): Promise<Page<ActiveReservation>> {
      const rows = await db
        .select({ ...columns, actor: reservations.actor, matches: sql<number>`count(*) over ()`.mapWith(Number) })
        .from(reservations)
        .innerJoin(products, eq(products.id, reservations.productId))
        .where(and(eq(reservations.status, 'pending'), gt(reservations.expiresAt, now())))
        .orderBy(asc(reservations.expiresAt), asc(reservations.id))
        .limit(page.limit)
        .offset(page.offset);
      return { items: rows.map(({ matches: _, ...reservation }) => reservation), total: rows[0]?.matches ?? 0 };
    },
  };
}

export type Reservations = ReturnType<typeof createReservations>;
