import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';

export interface Discrepancy {
  sku: string;
  levels: { total: number; reserved: number; sold: number };
  ledger: { total: number; reserved: number; sold: number };
  pendingReservations: number;
}

/**
 * Compares each product's levels with the sum of its ledger deltas and, for `reserved`, with its
 * pending reservations. An empty answer means the books balance.
 */
export async function verifyStock(db: Db): Promise<Discrepancy[]> {
  const rows = (await db.execute(sql`
    select p.sku, s.total, s.reserved, s.sold,
      coalesce(l.total, 0)::int as l_total, coalesce(l.reserved, 0)::int as l_reserved, coalesce(l.sold, 0)::int as l_sold,
      coalesce(r.qty, 0)::int as pending
    from products p
    join stock_levels s on s.product_id = p.id
    left join (select product_id, sum(delta_total) as total, sum(delta_reserved) as reserved, sum(delta_sold) as sold
               from stock_ledger group by product_id) l on l.product_id = p.id
    left join (select product_id, sum(qty) as qty from reservations where status = 'pending' group by product_id) r on r.product_id = p.id
    where s.total <> coalesce(l.total, 0) or s.reserved <> coalesce(l.reserved, 0) or s.sold <> coalesce(l.sold, 0)
       or s.reserved <> coalesce(r.qty, 0)
    order by p.sku`)) as unknown as Array<Record<string, number | string>>;
  return rows.map((row) => ({
    sku: String(row.sku),
    levels: { total: Number(row.total), reserved: Number(row.reserved), sold: Number(row.sold) },
    ledger: { total: Number(row.l_total), reserved: Number(row.l_reserved), sold: Number(row.l_sold) },
    pendingReservations: Number(row.pending),
  }));
}
