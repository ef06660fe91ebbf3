import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { isUniqueViolation } from '../../../db/errors.ts';
import { AppError } from '../../errors.ts';
import { applyChange } from './levels.ts';
import { checkQuantity, normaliseSku } from './stock.ts';
import type { ChangeOrigin, LowStockNotifier } from './types.ts';

export interface NewProduct {
  sku: string;
  title: string;
  priceMinor: number;
  currency: string;
  stock?: number | undefined;
  threshold?: number | undefined;
}

export interface ProductEdit {
  title?: string | undefined;
  priceMinor?: number | undefined;
  /** ISO 4217; the caller gives the price in it when its minor digits differ. */
  currency?: string | undefined;
  threshold?: number | undefined;
}

function checkTitle(title: string) {
  const trimmed = title.trim();
  if (trimmed.length < 1 || trimmed.length > 140)
    throw new AppError('invalid_input', 'Title must be 1-140 characters', { title, max: 140 }, 'product.bad_title');
  return trimmed;
}

export function createProducts(deps: { db: Db; notify?: LowStockNotifier | undefined }) {
  const { db, notify } = deps;
  return {
    /** Adds a product with its levels; its opening stock is a `receive` in the ledger. */
    async add(product: NewProduct, origin: ChangeOrigin): Promise<{ productId: number }> {
      const sku = normaliseSku(product.sku);
      const title = checkTitle(product.title);
      if (!Number.isSafeInteger(product.priceMinor) || product.priceMinor < 0)
        throw new AppError('invalid_input', 'Price must not be negative', {}, 'product.negative_price');
      if (product.stock !== undefined) checkQuantity(product.stock, { allowZero: true });
      if (product.threshold !== undefined) checkQuantity(product.threshold, { allowZero: true });
      try {
        return await db.transaction(async (tx) => {
          const [row] = (await tx.execute(sql`
            insert into products (sku, title, price_minor, currency, low_stock_threshold)
            values (${sku}, ${title}, ${product.priceMinor}, ${product.currency}, ${product.threshold ?? 0}) returning id`)) as unknown as Array<{
            id: string;
          }>;
          const productId = Number(row?.id);
          await tx.execute(sql`insert into stock_levels (product_id) values (${productId})`);
          if (product.stock)
            await applyChange(tx, { productId, reason: 'receive', deltaTotal: product.stock, ...origin }, notify);
          return { productId };
        });
      } catch (error) {
        if (isUniqueViolation(error))
          throw new AppError('conflict', `SKU ${sku} already exists`, { sku }, 'product.exists');
        throw error;
      }
    },

    /** Changes title, price, currency or threshold; levels change only through stock operations. */
    async edit(skuInput: string, edit: ProductEdit): Promise<void> {
      const sku = normaliseSku(skuInput);
      const title = edit.title === undefined ? undefined : checkTitle(edit.title);
      if (edit.threshold !== undefined) checkQuantity(edit.threshold, { allowZero: true });
      const updated = await db.execute(sql`
        update products set
          title = coalesce(${title ?? null}, title),
          price_minor = coalesce(${edit.priceMinor ?? null}::bigint, price_minor),
          currency = coalesce(${edit.currency ?? null}, currency),
          low_stock_threshold = coalesce(${edit.threshold ?? null}::int, low_stock_threshold),
          updated_at = now()
        where sku = ${sku} and active returning id`);
      if (updated.length === 0) throw new AppError('not_found', `No product with SKU ${sku}`, { sku }, 'stock.no_product');
    },

    async currencyOf(skuInput: string): Promise<string | undefined> {
      const [row] = (await db.execute(
        sql`select currency from products where sku = ${normaliseSku(skuInput)}`,
      )) as unknown as Array<{ currency: string }>;
      return row?.currency;
    },
  };
}

export type Products = ReturnType<typeof createProducts>;
