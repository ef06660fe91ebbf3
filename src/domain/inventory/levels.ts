import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { isUniqueViolation } from '../../../db/errors.ts';
import type { LedgerReason } from '../../../db/schema/inventory.ts';
import { AppError } from '../../errors.ts';
import type { ChangeOrigin, Levels, LowStockNotifier } from './types.ts';

export interface Change extends ChangeOrigin {
  productId: number;
  reason: LedgerReason;
  deltaTotal?: number;
  deltaReserved?: number;
  deltaSold?: number;
}

interface LevelsRow {
  total: number;
  reserved: number;
  sold: number;
  available: number;
  low_alerted: boolean;
  threshold: number;
  sku: string;
  title: string;
}

/**
 * The one way levels change: a single conditional UPDATE that succeeds only when the result keeps
 * every level valid (so concurrent writers can never oversell, and no read-then-write race exists),
 * then the ledger row with the resulting levels, then the low-stock check. Answers undefined when
 * the change would make `available` (or any level) negative. Run it inside a transaction.
 */
export async function applyChange(
  tx: Db,
  change: Change,
  notify?: LowStockNotifier,
): Promise<{ levels: Levels; ledgerId: number } | undefined> {
  const dt = change.deltaTotal ?? 0;
  const dr = change.deltaReserved ?? 0;
  const ds = change.deltaSold ?? 0;
  const rows = (await tx.execute(sql`
    update stock_levels s
    set total = s.total + ${dt}, reserved = s.reserved + ${dr}, sold = s.sold + ${ds}, updated_at = now()
    from products p
    where s.product_id = ${change.productId} and p.id = s.product_id
      and s.total + ${dt} >= 0 and s.reserved + ${dr} >= 0 and s.sold + ${ds} >= 0
      and (s.total + ${dt}) - (s.reserved + ${dr}) - (s.sold + ${ds}) >= 0
    returning s.total, s.reserved, s.sold, s.available, s.low_alerted, p.low_stock_threshold as threshold, p.sku, p.title`)) as unknown as LevelsRow[];
  const row = rows[0];
  if (!row) return undefined;
  const ledgerId = await appendLedger(tx, change, row, { dt, dr, ds });
  await checkLowStock(tx, change.productId, row, notify);
  return { levels: { total: row.total, reserved: row.reserved, sold: row.sold, available: row.available }, ledgerId };
}

async function appendLedger(tx: Db, change: Change, after: Levels, deltas: { dt: number; dr: number; ds: number }) {
  const [row] = (await tx.execute(sql`
    insert into stock_ledger (product_id, reason, delta_total, delta_reserved, delta_sold, total_after, reserved_after, sold_after,
      actor, reference, note, idempotency_key)
    values (${change.productId}, ${change.reason}, ${deltas.dt}, ${deltas.dr}, ${deltas.ds}, ${after.total}, ${after.reserved}, ${after.sold},
      ${change.actor}, ${change.reference ?? null}, ${change.note ?? null}, ${change.key})
    returning id`)) as unknown as Array<{ id: string }>;
  return Number(row?.id);
}

/** One alert per crossing below the threshold: the flag flips only once until available recovers. */
export async function checkLowStock(
  tx: Db,
  productId: number,
  row: { available: number; low_alerted: boolean; threshold: number; sku: string; title: string },
  notify?: LowStockNotifier,
) {
  const low = row.threshold > 0 && row.available < row.threshold;
  if (low && !row.low_alerted) {
    const flipped = await tx.execute(
      sql`update stock_levels set low_alerted = true where product_id = ${productId} and not low_alerted returning 1`,
    );
    if (flipped.length > 0 && notify) {
      await notify(tx, {
        productId,
        sku: row.sku,
        title: row.title,
        available: row.available,
        threshold: row.threshold,
      });
    }
  } else if (!low && row.low_alerted) {
    await tx.execute(sql`update stock_levels set low_alerted = false where product_id = ${productId}`);
  }
}

/** Locks the product's levels and alerts if it is (still) below its threshold without an alert; for changes made outside applyChange. */
export async function recheckLowStock(tx: Db, productId: number, notify?: LowStockNotifier) {
  const [row] = (await tx.execute(sql`
    select s.available, s.low_alerted, p.low_stock_threshold as threshold, p.sku, p.title
    from stock_levels s join products p on p.id = s.product_id where s.product_id = ${productId} for update of s`)) as unknown as Array<{
    available: number;
    low_alerted: boolean;
    threshold: number;
    sku: string;
    title: string;
  }>;
  if (row) await checkLowStock(tx, productId, row, notify);
}

/** Runs `work` in a transaction unless this idempotency key already changed stock; then answers the earlier result. */
export async function onceFor<T>(
  db: Db,
  key: string,
  replay: (tx: Db) => Promise<T>,
  work: (tx: Db) => Promise<T>,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.transaction(async (tx) => {
        const seen = await tx.execute(sql`select 1 from stock_ledger where idempotency_key = ${key}`);
        return seen.length > 0 ? replay(tx) : work(tx);
      });
    } catch (error) {
      // Two deliveries of the same change raced: the loser's ledger insert hit the unique key; replay it.
      if (attempt === 0 && isUniqueViolation(error)) continue;
      throw error;
    }
  }
}

export function insufficient(available: number): AppError {
  return new AppError('insufficient_stock', 'Not enough stock available', { available }, 'error.insufficient_stock');
}
