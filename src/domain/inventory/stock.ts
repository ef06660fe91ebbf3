import { and, eq, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { rawRows } from '../../../db/raw.ts';
import { products, stockLedger, stockLevels } from '../../../db/schema/inventory.ts';
import type { Clock } from '../../clock.ts';
import { AppError } from '../../errors.ts';
import { applyChange, insufficient, levelsOf, onceFor, recheckLowStock } from './levels.ts';
import { checkQuantity, containsPattern, FOLD, foldWord, normaliseSku } from './rules.ts';
import { openSaleIds, shipInTx } from './sales.ts';
import type { ChangeOrigin, Levels, LowStockNotifier, Page, ProductStock } from './types.ts';

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
  /** How many rows match in all (a window count over the whole result, before LIMIT). */
  matches: string;
}

/** Levels as a buyer would see them: reservations past their expiry already count as released. */
function stockQuery(now: Date, where: SQL, having: SQL = sql`true`) {
  return sql`
    select * from (
      select p.id as product_id, p.sku, p.title, p.price_minor, p.currency, p.low_stock_threshold,
        s.total, s.reserved - coalesce(o.qty, 0) as reserved, s.sold, s.available + coalesce(o.qty, 0) as available,
        (select max(id) from stock_ledger l where l.product_id = p.id) as last_ledger_id
      from products p
      join stock_levels s on s.product_id = p.id
      left join lateral (
        select sum(qty)::int as qty from reservations r
        where r.product_id = p.id and r.status = 'pending' and r.expires_at <= ${now.toISOString()}::timestamptz) o on true
      where p.active and ${where}) v
    where ${having}`;
}

const withMatches = (query: SQL, limit: number, offset: number) =>
  sql`select *, count(*) over () as matches from (${query}) q order by sku limit ${limit} offset ${offset}`;

function toStock(row: StockRow): ProductStock {
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

const toPage = (rows: StockRow[]): Page<ProductStock> => ({
  items: rows.map(toStock),
  total: Number(rows[0]?.matches ?? 0),
});

/** Every word must appear in the SKU or the title, compared without case or accents; `%` and `_` are literal. */
function matchingWords(words: string): SQL {
  const terms = words.trim().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return sql`true`;
  const folded = (column: SQL) => sql`lower(translate(${column}, ${FOLD.from}, ${FOLD.to}))`;
  return sql.join(
    terms.map((term) => {
      const pattern = containsPattern(foldWord(term));
      return sql`(${folded(sql`p.sku`)} like ${pattern} escape '\\' or ${folded(sql`p.title`)} like ${pattern} escape '\\')`;
    }),
    sql` and `,
  );
}

/**
 * What a count did: the levels after it, which sales it marked shipped first (when asked to), and whether anything
 * changed (a count equal to the total, with nothing to ship, writes nothing).
 */
export interface CountResult {
  levels: Levels;
  shippedSales: number[];
  changed: boolean;
}

export function createStock(deps: { db: Db; clock: Clock; notify?: LowStockNotifier | undefined }) {
  const { db, clock, notify } = deps;

  async function productId(tx: Db, sku: string): Promise<number> {
    const normalised = normaliseSku(sku);
    const [row] = await tx
      .select({ id: products.id })
      .from(products)
      .where(and(eq(products.sku, normalised), eq(products.active, true)));
    if (!row)
      throw new AppError('not_found', `No product with SKU ${normalised}`, { sku: normalised }, 'product.not_found');
    return row.id;
  }

  async function levelsAfter(tx: Db, key: string): Promise<Levels> {
    const [row] = await tx
      .select({ total: stockLedger.totalAfter, reserved: stockLedger.reservedAfter, sold: stockLedger.soldAfter })
      .from(stockLedger)
      .where(eq(stockLedger.idempotencyKey, key));
    const { total = 0, reserved = 0, sold = 0 } = row ?? {};
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
        const reason = delta > 0 ? 'receive' : 'adjust';
        const result = await applyChange(tx, { productId: id, reason, deltaTotal: delta, ...origin }, notify);
        if (!result) throw insufficient((await levelsOf(tx, id)).available);
        return result.levels;
      },
    );
  }

  async function list(where: SQL, page: { limit: number; offset: number }, having?: SQL) {
    const rows = await rawRows<StockRow>(
      db,
      withMatches(stockQuery(clock.now(), where, having), page.limit, page.offset),
    );
    return toPage(rows);
  }

  return {
    /** Stock of one SKU, or undefined (also for an archived product). */
    async get(sku: string): Promise<ProductStock | undefined> {
      const rows = await rawRows<StockRow>(
        db,
        withMatches(stockQuery(clock.now(), sql`p.sku = ${normaliseSku(sku)}`), 1, 0),
      );
      return rows[0] ? toStock(rows[0]) : undefined;
    },

    /** Stock of several SKUs at once, in SKU order; unknown ones are left out. */
    async many(skus: string[]): Promise<ProductStock[]> {
      const wanted = [...new Set(skus.map(normaliseSku))];
      if (wanted.length === 0) return [];
      const inList = sql.join(
        wanted.map((sku) => sql`${sku}`),
        sql`, `,
      );
      return (await list(sql`p.sku in (${inList})`, { limit: wanted.length, offset: 0 })).items;
    },

    /** Products whose SKU or title contain all the words (or every product), a page at a time in SKU order. */
    search: (words: string, page: { limit: number; offset: number }) => list(matchingWords(words), page),

    /** Products below their threshold. */
    low: (page: { limit: number; offset: number }) =>
      list(sql`p.low_stock_threshold > 0`, page, sql`v.available < v.low_stock_threshold`),

    /** Products with nothing available, whatever their threshold. */
    out: (page: { limit: number; offset: number }) => list(sql`true`, page, sql`v.available <= 0`),

    receive: (sku: string, qty: number, origin: ChangeOrigin) => move(sku, qty, origin),
    remove: (sku: string, qty: number, origin: ChangeOrigin) => move(sku, -qty, origin),

    /**
     * Sets the physical total after a count. Units sold but not shipped are assumed to be still on the shelf
     * (inside the count) unless `shipSold` says they left: then the product's open sales are marked shipped first.
     * Refused when fewer units than are reserved and sold. A count equal to the total that ships nothing writes no
     * ledger row (an empty count is no change) and answers `changed: false`.
     */
    async count(sku: string, qty: number, origin: ChangeOrigin, { shipSold = false } = {}): Promise<CountResult> {
      checkQuantity(qty, { allowZero: true });
      return onceFor(
        db,
        origin.key,
        async (tx) => ({ levels: await levelsAfter(tx, origin.key), shippedSales: [], changed: true }),
        async (tx) => {
          const id = await productId(tx, sku);
          const shippedSales = shipSold ? await shipOpenSales(tx, id, origin.actor) : [];
          const [current] = await tx
            .select({ total: stockLevels.total })
            .from(stockLevels)
            .where(eq(stockLevels.productId, id))
            .for('update');
          const deltaTotal = qty - (current?.total ?? 0);
          if (deltaTotal === 0 && shippedSales.length === 0)
            return { levels: await levelsOf(tx, id), shippedSales, changed: false };
          const change = { productId: id, reason: 'count' as const, deltaTotal, ...origin };
          const result = await applyChange(tx, change, notify);
          if (!result) {
            const { reserved, sold } = await levelsOf(tx, id);
            throw new AppError(
              'insufficient_stock',
              'Count below reserved plus sold',
              { available: reserved + sold, reserved, sold },
              'stock.count_below_committed',
            );
          }
          return { levels: result.levels, shippedSales, changed: true };
        },
      );
    },

    /** Sets the low-stock threshold (0 turns alerts off); alerts at once if already below. */
    async threshold(sku: string, qty: number): Promise<void> {
      checkQuantity(qty, { allowZero: true });
      await db.transaction(async (tx) => {
        const id = await productId(tx, sku);
        await tx.update(products).set({ lowStockThreshold: qty, updatedAt: sql`now()` }).where(eq(products.id, id));
        await recheckLowStock(tx, id, notify);
      });
    },
  };

  async function shipOpenSales(tx: Db, id: number, actor: string): Promise<number[]> {
    const shipped: number[] = [];
    for (const saleId of await openSaleIds(tx, id)) {
      if (await shipInTx(tx, { saleId, actor, at: clock.now(), notify })) shipped.push(saleId);
    }
    return shipped;
  }
}

export type Stock = ReturnType<typeof createStock>;
