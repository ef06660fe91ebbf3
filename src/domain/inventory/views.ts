import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { stockViews } from '../../../db/schema/inventory.ts';
import type { ProductStock } from './types.ts';

/** Remembers which levels a user was shown (their view of a product), so a later `/stock set` can tell whether they went stale. */
export function createStockViews({ db }: { db: Db }) {
  return {
    async record(userId: number, shown: ProductStock[]): Promise<void> {
      if (shown.length === 0) return;
      await db
        .insert(stockViews)
        .values(
          shown.map((stock) => ({
            userId,
            productId: stock.productId,
            lastLedgerId: stock.lastLedgerId,
            total: stock.total,
            shownAt: sql`now()`,
          })),
        )
        .onConflictDoUpdate({
          target: [stockViews.userId, stockViews.productId],
          set: {
            lastLedgerId: sql`excluded.last_ledger_id`,
            total: sql`excluded.total`,
            shownAt: sql`excluded.shown_at`,
          },
        });
    },

    /** What the user last saw of a product, if anything. */
    async lastShown(userId: number, productId: number): Promise<{ lastLedgerId: number; total: number } | undefined> {
      const [row] = await db
        .select({ lastLedgerId: stockViews.lastLedgerId, total: stockViews.total })
        .from(stockViews)
        .where(and(eq(stockViews.userId, userId), eq(stockViews.productId, productId)));
      return row;
    },
  };
}
