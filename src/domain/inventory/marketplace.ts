import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { rawRows } from '../../../db/raw.ts';
import { products, stockLevels } from '../../../db/schema/inventory.ts';
import { applyChange } from './levels.ts';
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
     * Moves a product's available units to `available` by changing its total (reason `sync`, the ledger row keyed
     * by `key`); answers whether it changed. Refused (false, nothing changed) when reserved and sold units do not fit.
     */
    async setAvailable(
      tx: Db,
      productId: number,
      available: number,
      origin: { actor: string; key: string; reference?: string },
    ) {
      checkQuantity(available, { allowZero: true });
      const [level] = await tx
        .select({ available: sql<number>`${stockLevels.available}` })
        .from(stockLevels)
        .where(eq(stockLevels.productId, productId))
        .for('update');
      const delta = available - (level?.available ?? 0);
      if (!level || delta === 0) return { changed: false, refused: !level };
      const result = await applyChange(tx, { productId, reason: 'sync', deltaTotal: delta, ...origin }, notify);
      return { changed: result !== undefined, refused: result === undefined };
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
