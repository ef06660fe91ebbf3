import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { rawRows, timestamp } from '../../../db/raw.ts';
import type { Period } from './period.ts';

/** Money per currency, in exact minor units. */
export type Amounts = Record<string, number>;

/** The month's headline numbers. */
export interface Kpis {
  revenue: Amounts;
  orders: number;
  /** Orders per currency, for the average order of each. */
  ordersByCurrency: Record<string, number>;
  units: number;
  products: number;
  lowStock: number;
}

export interface DaySales {
  /** The local day, `YYYY-MM-DD`. */
  day: string;
  currency: string | null;
  orders: number;
  units: number;
  revenueMinor: number;
}

export interface TopProduct {
  sku: string;
  title: string;
  currency: string;
  units: number;
  revenueMinor: number;
  orders: number;
}

export interface StockRow {
  sku: string;
  title: string;
  total: number;
  reserved: number;
  sold: number;
  available: number;
  threshold: number;
  priceMinor: number;
  currency: string;
}

export interface SearchRow {
  startedAt: Date;
  words: string;
  source: string;
  status: string;
  fetched: number;
  matched: number;
  error: string | null;
}

/** `s.created_at` within the period. */
const inPeriod = (period: Period) =>
  sql`s.created_at >= ${timestamp(period.start)} and s.created_at < ${timestamp(period.end)}`;

/** Revenue, orders and units of one month; cancelled sales do not count. */
export async function kpis(db: Db, period: Period): Promise<Kpis> {
  const money = await rawRows<{ currency: string; revenue: string; orders: number; units: number }>(
    db,
    sql`select s.currency, coalesce(sum(l.qty * l.unit_price_minor), 0)::text as revenue,
          count(distinct s.id)::int as orders, coalesce(sum(l.qty), 0)::int as units
        from sales s join sale_lines l on l.sale_id = s.id
        where s.status <> 'cancelled' and ${inPeriod(period)}
        group by s.currency order by s.currency`,
  );
  const [counts] = await rawRows<{ products: number; low: number }>(db, sql`${levelsAtEnd(period)}`);
  return {
    revenue: Object.fromEntries(money.map((row) => [row.currency, Number(row.revenue)])),
    orders: money.reduce((sum, row) => sum + row.orders, 0),
    ordersByCurrency: Object.fromEntries(money.map((row) => [row.currency, row.orders])),
    units: money.reduce((sum, row) => sum + row.units, 0),
    products: counts?.products ?? 0,
    lowStock: counts?.low ?? 0,
  };
}

/** Products that existed when the month ended and how many were low then, from each one's last ledger row. */
function levelsAtEnd(period: Period) {
  return sql`
    select count(*)::int as products,
      count(*) filter (where p.low_stock_threshold > 0
        and coalesce(last.total_after - last.reserved_after - last.sold_after, 0) < p.low_stock_threshold)::int as low
    from products p
    left join lateral (
      select total_after, reserved_after, sold_after from stock_ledger g
      where g.product_id = p.id and g.created_at < ${timestamp(period.end)}
      order by g.id desc limit 1) last on true
    where p.created_at < ${timestamp(period.end)} and p.active`;
}

/** Every day of the month (days without sales too), per currency sold. */
export async function salesByDay(db: Db, period: Period): Promise<DaySales[]> {
  const zone = period.timeZone;
  const rows = await rawRows<{ day: string; currency: string | null; orders: number; units: number; revenue: string }>(
    db,
    sql`with days as (
          select to_char(d, 'YYYY-MM-DD') as day from generate_series(
            (${timestamp(period.start)} at time zone ${zone})::date,
            (${timestamp(period.end)} at time zone ${zone})::date - 1, interval '1 day') d),
        sold as (
          select to_char(s.created_at at time zone ${zone}, 'YYYY-MM-DD') as day, s.currency,
            count(distinct s.id)::int as orders, sum(l.qty)::int as units, sum(l.qty * l.unit_price_minor) as revenue
          from sales s join sale_lines l on l.sale_id = s.id
          where s.status <> 'cancelled' and ${inPeriod(period)}
          group by 1, 2)
        select days.day, sold.currency, coalesce(sold.orders, 0) as orders, coalesce(sold.units, 0) as units,
          coalesce(sold.revenue, 0)::text as revenue
        from days left join sold using (day) order by days.day, sold.currency`,
  );
  return rows.map((row) => ({ ...row, revenueMinor: Number(row.revenue) }));
}

/** The best sellers of the month by units, then revenue. */
export async function topProducts(db: Db, period: Period, limit = 20): Promise<TopProduct[]> {
  const rows = await rawRows<Omit<TopProduct, 'revenueMinor'> & { revenue: string }>(
    db,
    sql`select p.sku, p.title, s.currency, sum(l.qty)::int as units, sum(l.qty * l.unit_price_minor)::text as revenue,
          count(distinct s.id)::int as orders
        from sales s join sale_lines l on l.sale_id = s.id join products p on p.id = l.product_id
        where s.status <> 'cancelled' and ${inPeriod(period)}
        group by p.sku, p.title, s.currency order by units desc, sum(l.qty * l.unit_price_minor) desc, p.sku
        limit ${limit}`,
  );
  return rows.map(({ revenue, ...row }) => ({ ...row, revenueMinor: Number(revenue) }));
}

/** Stock now, every active product. */
export async function stockNow(db: Db): Promise<StockRow[]> {
  const rows = await rawRows<Omit<StockRow, 'priceMinor'> & { price: string }>(
    db,
    sql`select p.sku, p.title, coalesce(s.total, 0) as total, coalesce(s.reserved, 0) as reserved,
          coalesce(s.sold, 0) as sold, coalesce(s.available, 0) as available, p.low_stock_threshold as threshold,
          p.price_minor::text as price, p.currency
        from products p left join stock_levels s on s.product_id = p.id where p.active order by p.sku`,
  );
  return rows.map(({ price, ...row }) => ({ ...row, priceMinor: Number(price) }));
}

/** Below its threshold: the same rule as the low-stock alert. */
export const isLow = (row: StockRow) => row.threshold > 0 && row.available < row.threshold;

/** Supplier searches started in the month. */
export async function searchesIn(db: Db, period: Period): Promise<SearchRow[]> {
  const rows = await rawRows<Omit<SearchRow, 'startedAt'> & { started_at: string }>(
    db,
    sql`select started_at, words, source, status, fetched, matched, error from searches
        where started_at >= ${timestamp(period.start)} and started_at < ${timestamp(period.end)}
        order by started_at, id`,
  );
  return rows.map(({ started_at, ...row }) => ({ ...row, startedAt: new Date(started_at) }));
}
