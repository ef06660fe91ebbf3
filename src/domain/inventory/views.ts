import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import type { StockView } from './types.ts';

/** Remembers which levels a user was shown, so a later `/stock set` can tell whether they went stale. */
export function createStockViews({ db }: { db: Db }) {
  return {
    async record(userId: number, views: StockView[]): Promise<void> {
      if (views.length === 0) return;
      const values = sql.join(
        views.map((view) => sql`(${userId}, ${view.productId}, ${view.lastLedgerId}, ${view.total}, now())`),
        sql`, `,
      );
      await db.execute(sql`
        insert into stock_views (user_id, product_id, last_ledger_id, total, shown_at) values ${values}
        on conflict (user_id, product_id) do update
        set last_ledger_id = excluded.last_ledger_id, total = excluded.total, shown_at = excluded.shown_at`);
    },

    /** What the user last saw of a product, if anything. */
    async lastShown(userId: number, productId: number): Promise<{ lastLedgerId: number; total: number } | undefined> {
      const [row] = (await db.execute(sql`
        select last_ledger_id, total from stock_views where user_id = ${userId} and product_id = ${productId}`)) as unknown as Array<{
        last_ledger_id: string;
        total: number;
      }>;
      return row ? { lastLedgerId: Number(row.last_ledger_id), total: row.total } : undefined;
    },
  };
}
