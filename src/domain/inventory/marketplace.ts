import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { rawRows } from '../../../db/raw.ts';
import { products, stockLevels } from '../../../db/schema/inventory.ts';
import { recheckLowStock } from './levels.ts';
import { checkQuantity, normaliseSku } from './rules.ts';
import type { LowStockNotifier } from './types.ts';

/** A product as a marketplace lists it: the SKU is the key, title and price exact. */
export interface ListedProduct {
  sku: string;
  title: string;
  priceMinor: number;
  currency: string;
}

export interface UpsertedProduct {
  productId: number;
  created: boolean;
  /** Title, price or currency differed and were updated. */
  changed: boolean;
  available: number;
}

interface UpsertRow {
  id: string;
  sku: string;
  created: boolean;
  changed: boolean;
  available: number;
}

/**
 * What marketplace syncs need from the inventory: products kept as the marketplace lists them, and levels moved to
 * the marketplace's quantity through the ledger (reason `sync`), never overwritten.
 */
export function createMarketplace(deps: { db: Db; notify?: LowStockNotifier | undefined }) {
  const { notify } = deps;
  return {
    /**
     * Creates or updates products by SKU in one statement (a product archived earlier comes back); new products
     * start at zero stock. Answers each SKU's product, whether it was created or changed, and its available units.
     */
    async upsert(tx: Db, items: ListedProduct[]): Promise<Map<string, UpsertedProduct>> {
      const found = new Map<string, UpsertedProduct>();
      if (items.length === 0) return found;
      const values = sql.join(
        items.map(
          (item) =>
            sql`(${normaliseSku(item.sku)}, ${item.title.slice(0, 140)}, ${item.priceMinor}::bigint, ${item.currency})`,
        ),
        sql`, `,
      );
      const rows = await rawRows<UpsertRow>(
        tx,
        sql`
        with wanted(sku, title, price_minor, currency) as (values ${values}),
        before as (select p.id, p.sku, p.title, p.price_minor, p.currency, p.active from products p join wanted w using (sku)),
        written as (
          insert into products (sku, title, price_minor, currency, source)
          select sku, title, price_minor, currency, 'etsy' from wanted
          on conflict (sku) do update set title = excluded.title, price_minor = excluded.price_minor,
            currency = excluded.currency, active = true, updated_at = now()
          where (products.title, products.price_minor, products.currency, products.active)
            is distinct from (excluded.title, excluded.price_minor, excluded.currency, true)
          returning id, sku, (xmax = 0) as created),
        levels as (insert into stock_levels (product_id) select id from written where created on conflict do nothing)
        select coalesce(w.id, b.id) as id, wanted.sku, coalesce(w.created, false) as created,
          (w.id is not null and not coalesce(w.created, false)) as changed, coalesce(s.available, 0) as available
        from wanted
        left join written w on w.sku = wanted.sku
        left join before b on b.sku = wanted.sku
        left join stock_levels s on s.product_id = coalesce(w.id, b.id)`,
      );
      for (const row of rows) {
        const { created, changed, available } = row;
        found.set(row.sku, { productId: Number(row.id), created, changed, available });
      }
      return found;
    },

    /**
     * Moves many products' available units to their targets in one statement (a marketplace page): each product whose available units
     * differ from its target has its total moved by the difference, with one ledger row (reason `sync`) each.
     * Answers the products changed and those refused (the target leaves no room for reserved and sold units).
     */
    async setAvailable(
      tx: Db,
      items: Array<{ productId: number; available: number; key: string; reference: string }>,
      actor: string,
    ): Promise<{ changed: Set<number>; refused: Set<number> }> {
      const changed = new Set<number>();
      const refused = new Set<number>();
      if (items.length === 0) return { changed, refused };
      for (const item of items) checkQuantity(item.available, { allowZero: true });
      const values = sql.join(
        items.map((item) => sql`(${item.productId}::bigint, ${item.available}::int, ${item.key}, ${item.reference})`),
        sql`, `,
      );
      const rows = await rawRows<{ product_id: string; moved: boolean; threshold: number }>(
        tx,
        sql`
        with wanted(product_id, target, key, reference) as (values ${values}),
        old as (
          select s.product_id, s.total, s.available from stock_levels s join wanted w using (product_id)
          where s.available <> w.target order by s.product_id for update of s),
        moved as (
          update stock_levels s set total = s.total + (w.target - o.available), updated_at = now()
          from old o join wanted w using (product_id)
          where s.product_id = o.product_id and o.total + (w.target - o.available) >= 0
          returning s.product_id, s.total, s.reserved, s.sold, w.target - o.available as delta, w.key, w.reference),
        written as (
          insert into stock_ledger (product_id, reason, delta_total, total_after, reserved_after, sold_after, actor,
            reference, idempotency_key)
          select product_id, 'sync', delta, total, reserved, sold, ${actor}, reference, key from moved
          returning product_id)
        select o.product_id, (m.product_id is not null) as moved, p.low_stock_threshold as threshold
        from old o join products p on p.id = o.product_id left join moved m using (product_id)`,
      );
      for (const row of rows) {
        const id = Number(row.product_id);
        if (!row.moved) refused.add(id);
        else {
          changed.add(id);
          if (row.threshold > 0) await recheckLowStock(tx, id, notify);
        }
      }
      return { changed, refused };
    },

    /** The units a buyer could take now for each product (stored levels), for a push back to the marketplace. */
    async availableOf(tx: Db, productIds: number[]): Promise<Map<number, number>> {
      if (productIds.length === 0) return new Map();
      const rows = await tx
        .select({ productId: stockLevels.productId, available: sql<number>`${stockLevels.available}` })
        .from(stockLevels)
        .innerJoin(products, eq(products.id, stockLevels.productId))
        .where(sql`${stockLevels.productId} in ${productIds}`);
      return new Map(rows.map((row) => [row.productId, row.available]));
    },
  };
}

export type Marketplace = ReturnType<typeof createMarketplace>;
