import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { rawRow } from '../../../db/raw.ts';

export interface ShopStats {
  products: number;
  /** Prices of active products in the shop's currency, minor units; null without products. */
  price: { min: number | null; avg: number | null; max: number | null };
  sales: { orders: number; units: number; revenue: Record<string, number> };
  today: { orders: number; units: number };
  week: { orders: number; units: number };
  lowStock: number;
  supplierItems: number;
  /** Units sold on each of the last 14 local days, oldest first. */
  days: Array<{ day: string; units: number }>;
}

/** The /stats dashboard in one statement (one round trip): every figure is a subquery of a single row. */
export async function shopStats(db: Db, timeZone: string, currency: string, now: Date): Promise<ShopStats> {
  const at = sql`${now.toISOString()}::timestamptz`;
  const today = sql`date_trunc('day', ${at} at time zone ${timeZone}) at time zone ${timeZone}`;
  const week = sql`date_trunc('week', ${at} at time zone ${timeZone}) at time zone ${timeZone}`;
  const sold = (since: ReturnType<typeof sql>) => sql`(select json_build_object('orders', count(distinct s.id),
      'units', coalesce(sum(l.qty), 0)) from sales s join sale_lines l on l.sale_id = s.id
      where s.status <> 'cancelled' and s.created_at >= ${since} and s.created_at <= ${at})`;
  const row = await rawRow<{ stats: ShopStats }>(
    db,
    sql`select json_build_object(
      'products', (select count(*) from products where active),
      'price', (select json_build_object('min', min(price_minor), 'avg', round(avg(price_minor)), 'max', max(price_minor))
        from products where active and currency = ${currency}),
      'sales', (select json_build_object('orders', count(distinct s.id), 'units', coalesce(sum(l.qty), 0),
          'revenue', coalesce((select json_object_agg(currency, total) from (
            select s2.currency, sum(l2.qty * l2.unit_price_minor) as total from sales s2
            join sale_lines l2 on l2.sale_id = s2.id where s2.status <> 'cancelled' group by s2.currency) r), '{}'))
        from sales s join sale_lines l on l.sale_id = s.id where s.status <> 'cancelled'),
      'today', ${sold(today)},
      'week', ${sold(week)},
      'lowStock', (select count(*) from products p join stock_levels v on v.product_id = p.id
        where p.active and p.low_stock_threshold > 0 and v.available < p.low_stock_threshold),
      'supplierItems', (select count(*) from supplier_products),
      'days', (select json_agg(json_build_object('day', to_char(d, 'YYYY-MM-DD'), 'units', coalesce(u.units, 0)) order by d)
        from generate_series((${at} at time zone ${timeZone})::date - 13, (${at} at time zone ${timeZone})::date, interval '1 day') d
        left join (select (s.created_at at time zone ${timeZone})::date as day, sum(l.qty) as units
          from sales s join sale_lines l on l.sale_id = s.id where s.status <> 'cancelled'
            and s.created_at >= ${at} - interval '15 days' group by 1) u on u.day = d::date)
    ) as stats`,
  );
  if (!row) throw new Error('stats query answered no row');
  return row.stats;
}
