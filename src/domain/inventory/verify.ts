import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { rawRows } from '../../../db/raw.ts';

export interface Discrepancy {
  sku: string;
  levels: { total: number; reserved: number; sold: number };
  ledger: { total: number; reserved: number; sold: number };
  pendingReservations: number;
  /** Units of sales not shipped yet: `sold` must equal it. */
  unshippedSales: number;
}

interface Row {
  sku: string;
  total: number;
  reserved: number;
  sold: number;
  l_total: number;
  l_reserved: number;
  l_sold: number;
  pending: number;
  unshipped: number;
}

/**
 * Compares each product's levels with the sum of its ledger deltas, `reserved` with its pending
 * reservations, and `sold` with its sales not yet shipped. An empty answer means the books balance.
 */
export async function verifyStock(db: Db): Promise<Discrepancy[]> {
  const rows = await rawRows<Row>(
    db,
    sql`
    select p.sku, s.total, s.reserved, s.sold,
      coalesce(l.total, 0)::int as l_total, coalesce(l.reserved, 0)::int as l_reserved, coalesce(l.sold, 0)::int as l_sold,
      coalesce(r.qty, 0)::int as pending, coalesce(o.qty, 0)::int as unshipped
    from products p
    join stock_levels s on s.product_id = p.id
    left join (select product_id, sum(delta_total) as total, sum(delta_reserved) as reserved, sum(delta_sold) as sold
               from stock_ledger group by product_id) l on l.product_id = p.id
    left join (select product_id, sum(qty) as qty from reservations where status = 'pending' group by product_id) r on r.product_id = p.id
    left join (select sl.product_id, sum(sl.qty) as qty from sale_lines sl join sales sa on sa.id = sl.sale_id
               where sa.status = 'committed' group by sl.product_id) o on o.product_id = p.id
    where s.total <> coalesce(l.total, 0) or s.reserved <> coalesce(l.reserved, 0) or s.sold <> coalesce(l.sold, 0)
       or s.reserved <> coalesce(r.qty, 0) or s.sold <> coalesce(o.qty, 0)
    order by p.sku`,
  );
  return rows.map((row) => ({
    sku: row.sku,
    levels: { total: row.total, reserved: row.reserved, sold: row.sold },
    ledger: { total: row.l_total, reserved: row.l_reserved, sold: row.l_sold },
    pendingReservations: row.pending,
    unshippedSales: row.unshipped,
  }));
}
