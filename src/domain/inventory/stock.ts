import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import type { Clock } from '../../clock.ts';
import { AppError } from '../../errors.ts';
import { applyChange, insufficient, onceFor, recheckLowStock } from './levels.ts';
import type { ChangeOrigin, Levels, LowStockNotifier, StockView } from './types.ts';

const MAX_QTY = 1_000_000;

/** SKUs are compared upper-case and trimmed. */
export function normaliseSku(sku: string): string {
  const value = sku.trim().toUpperCase();
  if (!/^[A-Z0-9][A-Z0-9._/-]{0,63}$/.test(value)) {
    throw new AppError(
      'invalid_input',
      'SKU must be 1-64 letters, digits, dot, dash, underscore or slash',
      { sku },
      'stock.bad_sku',
    );
  }
  return value;
}

export function checkQuantity(qty: number, { allowZero = false } = {}) {
  if (!Number.isInteger(qty) || qty < (allowZero ? 0 : 1) || qty > MAX_QTY) {
    throw new AppError(
      'invalid_input',
      `Quantity must be a whole number from ${allowZero ? 0 : 1} to ${MAX_QTY}`,
      { qty, min: allowZero ? 0 : 1, max: MAX_QTY },
      'stock.bad_quantity',
    );
  }
}

interface StockRow {
  product_id: string;
  sku: string;
  title: string;
  price_minor: string;
  currency: string;
  low_stock_threshold: number;
  total: number;
  reserved: number;
  sold: number;
  available: number;
  last_ledger_id: string | null;
}

/** Levels as a buyer would see them: reservations past their expiry already count as released. */
export function stockQuery(now: Date, where: ReturnType<typeof sql>) {
  return sql`
    select p.id as product_id, p.sku, p.title, p.price_minor, p.currency, p.low_stock_threshold,
      s.total, s.reserved - coalesce(o.qty, 0) as reserved, s.sold, s.available + coalesce(o.qty, 0) as available,
      (select max(id) from stock_ledger l where l.product_id = p.id) as last_ledger_id
    from products p
    join stock_levels s on s.product_id = p.id
    left join lateral (
      select sum(qty)::int as qty from reservations r
      where r.product_id = p.id and r.status = 'pending' and r.expires_at <= ${now.toISOString()}::timestamptz) o on true
    where p.active and ${where}
    order by p.sku`;
}

export function toView(row: StockRow): StockView {
  return {
    productId: Number(row.product_id),
    sku: row.sku,
    title: row.title,
    priceMinor: Number(row.price_minor),
    currency: row.currency,
    lowStockThreshold: row.low_stock_threshold,
    total: row.total,
    reserved: row.reserved,
    sold: row.sold,
    available: row.available,
    lastLedgerId: Number(row.last_ledger_id ?? 0),
  };
}

export function createStock(deps: { db: Db; clock: Clock; notify?: LowStockNotifier | undefined }) {
  const { db, clock, notify } = deps;

  async function productId(tx: Db, sku: string): Promise<number> {
    const [row] = (await tx.execute(
      sql`select id from products where sku = ${normaliseSku(sku)} and active`,
    )) as unknown as Array<{ id: string }>;
    if (!row) throw new AppError('not_found', `No product with SKU ${sku}`, { sku: normaliseSku(sku) }, 'stock.no_product');
    return Number(row.id);
  }

  async function levelsAfter(tx: Db, key: string): Promise<Levels> {
    const [row] = (await tx.execute(
      sql`select total_after, reserved_after, sold_after from stock_ledger where idempotency_key = ${key}`,
    )) as unknown as Array<{
      total_after: number;
      reserved_after: number;
      sold_after: number;
    }>;
    const total = row?.total_after ?? 0;
    const reserved = row?.reserved_after ?? 0;
    const sold = row?.sold_after ?? 0;
    return { total, reserved, sold, available: total - reserved - sold };
  }

  /** Adds or takes units from the total (`receive` when positive, `adjust` when negative). */
  async function move(sku: string, delta: number, origin: ChangeOrigin): Promise<Levels> {
    checkQuantity(Math.abs(delta));
    return onceFor(
      db,
      origin.key,
      (tx) => levelsAfter(tx, origin.key),
      async (tx) => {
        const id = await productId(tx, sku);
        const result = await applyChange(
          tx,
          { productId: id, reason: delta > 0 ? 'receive' : 'adjust', deltaTotal: delta, ...origin },
          notify,
        );
        if (!result) throw insufficient(await availableOf(tx, id));
        return result.levels;
      },
    );
  }

  async function availableOf(tx: Db, id: number): Promise<number> {
    const [row] = (await tx.execute(
      sql`select available from stock_levels where product_id = ${id}`,
    )) as unknown as Array<{ available: number }>;
    return row?.available ?? 0;
  }

  return {
    /** Stock of one SKU, or undefined. */
    async get(sku: string): Promise<StockView | undefined> {
      const rows = (await db.execute(
        stockQuery(clock.now(), sql`p.sku = ${normaliseSku(sku)}`),
      )) as unknown as StockRow[];
      return rows[0] ? toView(rows[0]) : undefined;
    },

    /** Products whose SKU or title match all the words (or every product), in SKU order. */
    async search(words: string, { limit = 200, offset = 0 } = {}): Promise<StockView[]> {
      const terms = words.trim().split(/\s+/).filter(Boolean);
      const where =
        terms.length === 0
          ? sql`true`
          : sql.join(
              terms.map((term) => sql`(p.sku ilike ${`%${term}%`} or p.title ilike ${`%${term}%`})`),
              sql` and `,
            );
      const rows = (await db.execute(
        sql`${stockQuery(clock.now(), where)} limit ${limit} offset ${offset}`,
      )) as unknown as StockRow[];
      return rows.map(toView);
    },

    /** Products below their threshold. */
    async low(): Promise<StockView[]> {
      const rows = (await db.execute(stockQuery(clock.now(), sql`p.low_stock_threshold > 0`))) as unknown as StockRow[];
      return rows.map(toView).filter((view) => view.available < view.lowStockThreshold);
    },

    receive: (sku: string, qty: number, origin: ChangeOrigin) => move(sku, qty, origin),
    remove: (sku: string, qty: number, origin: ChangeOrigin) => move(sku, -qty, origin),

    /** Sets the physical total after a count; refused when fewer units than are reserved and sold. */
    async count(sku: string, qty: number, origin: ChangeOrigin): Promise<Levels> {
      checkQuantity(qty, { allowZero: true });
      return onceFor(
        db,
        origin.key,
        (tx) => levelsAfter(tx, origin.key),
        async (tx) => {
          const id = await productId(tx, sku);
          const [current] = (await tx.execute(
            sql`select total, reserved, sold from stock_levels where product_id = ${id} for update`,
          )) as unknown as Array<{
            total: number;
            reserved: number;
            sold: number;
          }>;
          const result = await applyChange(
            tx,
            { productId: id, reason: 'count', deltaTotal: qty - (current?.total ?? 0), ...origin },
            notify,
          );
          if (!result)
            throw new AppError(
              'insufficient_stock',
              'Count below reserved plus sold',
              { available: (current?.reserved ?? 0) + (current?.sold ?? 0) },
              'stock.count_below_committed',
            );
          return result.levels;
        },
      );
    },

    /** Sets the low-stock threshold (0 turns alerts off); alerts at once if already below. */
    async threshold(sku: string, qty: number): Promise<void> {
      checkQuantity(qty, { allowZero: true });
      await db.transaction(async (tx) => {
        const id = await productId(tx, sku);
        await tx.execute(sql`update products set low_stock_threshold = ${qty}, updated_at = now() where id = ${id}`);
        await recheckLowStock(tx, id, notify);
      });
    },
  };
}

export type Stock = ReturnType<typeof createStock>;
