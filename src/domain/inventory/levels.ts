import { and, eq, not, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { isUniqueViolation } from '../../../db/errors.ts';
import { rawRow } from '../../../db/raw.ts';
import { type LedgerReason, products, stockLedger, stockLevels } from '../../../db/schema/inventory.ts';
import { AppError } from '../../errors.ts';
import type { ChangeOrigin, Levels, LowStockNotifier } from './types.ts';

export interface Change extends ChangeOrigin {
  productId: number;
  reason: LedgerReason;
  deltaTotal?: number;
  deltaReserved?: number;
  deltaSold?: number;
}

interface AlertState {
  available: number;
  low_alerted: boolean;
  threshold: number;
  sku: string;
  title: string;
}

type LevelsRow = AlertState & { total: number; reserved: number; sold: number };

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
  const row = await rawRow<LevelsRow>(
    tx,
    sql`
    update stock_levels s
    set total = s.total + ${dt}, reserved = s.reserved + ${dr}, sold = s.sold + ${ds}, updated_at = now()
    from products p
    where s.product_id = ${change.productId} and p.id = s.product_id
      and s.total + ${dt} >= 0 and s.reserved + ${dr} >= 0 and s.sold + ${ds} >= 0
      and (s.total + ${dt}) - (s.reserved + ${dr}) - (s.sold + ${ds}) >= 0
    returning s.total, s.reserved, s.sold, s.available, s.low_alerted, p.low_stock_threshold as threshold, p.sku, p.title`,
  );
  if (!row) return undefined;
  const [ledger] = await tx
    .insert(stockLedger)
    .values({
      productId: change.productId,
      reason: change.reason,
      deltaTotal: dt,
      deltaReserved: dr,
      deltaSold: ds,
      totalAfter: row.total,
      reservedAfter: row.reserved,
      soldAfter: row.sold,
      actor: change.actor,
      reference: change.reference ?? null,
      note: change.note ?? null,
      idempotencyKey: change.key,
    })
    .returning({ id: stockLedger.id });
  await checkLowStock(tx, change.productId, row, notify);
  return {
    levels: { total: row.total, reserved: row.reserved, sold: row.sold, available: row.available },
    ledgerId: ledger?.id ?? 0,
  };
}

/** One alert per crossing below the threshold: the flag flips only once until available recovers. */
async function checkLowStock(tx: Db, productId: number, row: AlertState, notify?: LowStockNotifier) {
  const low = row.threshold > 0 && row.available < row.threshold;
  if (low && !row.low_alerted) {
    const flipped = await tx
      .update(stockLevels)
      .set({ lowAlerted: true })
      .where(and(eq(stockLevels.productId, productId), not(stockLevels.lowAlerted)))
      .returning({ productId: stockLevels.productId });
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
    await tx.update(stockLevels).set({ lowAlerted: false }).where(eq(stockLevels.productId, productId));
  }
}

/** Locks the product's levels and alerts if it is (still) below its threshold without an alert; for changes made outside applyChange. */
export async function recheckLowStock(tx: Db, productId: number, notify?: LowStockNotifier) {
  const [row] = await tx
    .select({
      available: sql<number>`${stockLevels.available}`,
      low_alerted: stockLevels.lowAlerted,
      threshold: products.lowStockThreshold,
      sku: products.sku,
      title: products.title,
    })
    .from(stockLevels)
    .innerJoin(products, eq(products.id, stockLevels.productId))
    .where(eq(stockLevels.productId, productId))
    .for('update', { of: stockLevels });
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
        const seen = await tx
          .select({ id: stockLedger.id })
          .from(stockLedger)
          .where(eq(stockLedger.idempotencyKey, key))
          .limit(1);
        return seen.length > 0 ? replay(tx) : work(tx);
      });
    } catch (error) {
      // Two deliveries of the same change raced (rare: a retry checks first): the loser's ledger insert hit the unique key.
      if (attempt === 0 && isUniqueViolation(error)) continue;
      throw error;
    }
  }
}

/** The levels a product is at now, for messages after a refusal. */
export async function levelsOf(tx: Db, productId: number): Promise<Levels> {
  const [row] = await tx
    .select({
      total: stockLevels.total,
      reserved: stockLevels.reserved,
      sold: stockLevels.sold,
      available: sql<number>`${stockLevels.available}`,
    })
    .from(stockLevels)
    .where(eq(stockLevels.productId, productId));
  return row ?? { total: 0, reserved: 0, sold: 0, available: 0 };
}

export function insufficient(available: number): AppError {
  return new AppError('insufficient_stock', 'Not enough stock available', { available }, 'error.insufficient_stock');
}
