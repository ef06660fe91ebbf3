import { and, count, eq, gt, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { products, reservations, stockLevels } from '../../../db/schema/inventory.ts';
import type { Clock } from '../../clock.ts';
import { AppError } from '../../errors.ts';
import { applyChange } from './levels.ts';
import { checkQuantity, normaliseSku } from './rules.ts';
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
    throw new AppError('invalid_input', 'Title must be 1-140 characters', { max: 140 }, 'product.bad_title');
  return trimmed;
}

function checkPrice(priceMinor: number) {
  if (!Number.isSafeInteger(priceMinor) || priceMinor < 0)
    throw new AppError('invalid_input', 'Price must not be negative', {}, 'product.negative_price');
}

const notFound = (sku: string) => new AppError('not_found', `No product with SKU ${sku}`, { sku }, 'product.not_found');

export function createProducts(deps: { db: Db; clock: Clock; notify?: LowStockNotifier | undefined }) {
  const { db, clock, notify } = deps;

  /** Why a SKU cannot be added: it exists, or it exists archived. */
  async function clash(sku: string): Promise<AppError> {
    const [row] = await db.select({ active: products.active }).from(products).where(eq(products.sku, sku));
    const reason = row?.active === false ? 'product.exists_archived' : 'product.exists';
    return new AppError('conflict', `SKU ${sku} already exists`, { sku }, reason);
  }

  return {
    /** Adds a product with its levels; its opening stock is a `receive` in the ledger. */
    async add(product: NewProduct, origin: ChangeOrigin): Promise<{ productId: number }> {
      const sku = normaliseSku(product.sku);
      const title = checkTitle(product.title);
      checkPrice(product.priceMinor);
      if (product.stock !== undefined) checkQuantity(product.stock, { allowZero: true });
      if (product.threshold !== undefined) checkQuantity(product.threshold, { allowZero: true });
      const productId = await db.transaction(async (tx) => {
        const [row] = await tx
          .insert(products)
          .values({
            sku,
            title,
            priceMinor: product.priceMinor,
            currency: product.currency,
            lowStockThreshold: product.threshold ?? 0,
          })
          .onConflictDoNothing({ target: products.sku })
          .returning({ id: products.id });
        if (!row) return undefined;
        await tx.insert(stockLevels).values({ productId: row.id });
        if (product.stock)
          await applyChange(tx, { productId: row.id, reason: 'receive', deltaTotal: product.stock, ...origin }, notify);
        return row.id;
      });
      if (productId === undefined) throw await clash(sku);
      return { productId };
    },

    /** Changes title, price, currency or threshold; levels change only through stock operations. */
    async edit(skuInput: string, edit: ProductEdit): Promise<void> {
      const sku = normaliseSku(skuInput);
      const title = edit.title === undefined ? undefined : checkTitle(edit.title);
      if (edit.priceMinor !== undefined) checkPrice(edit.priceMinor);
      if (edit.threshold !== undefined) checkQuantity(edit.threshold, { allowZero: true });
      const updated = await db
        .update(products)
        .set({
          ...(title === undefined ? {} : { title }),
          ...(edit.priceMinor === undefined ? {} : { priceMinor: edit.priceMinor }),
          ...(edit.currency === undefined ? {} : { currency: edit.currency }),
          ...(edit.threshold === undefined ? {} : { lowStockThreshold: edit.threshold }),
          updatedAt: sql`now()`,
        })
        .where(and(eq(products.sku, sku), eq(products.active, true)))
        .returning({ id: products.id });
      if (updated.length === 0) throw notFound(sku);
    },

    /**
     * Takes a product out of lists and the storefront API, keeping its ledger and sales. Refused while a live
     * reservation holds some of it. Answers false when it was already archived.
     */
    async archive(skuInput: string): Promise<boolean> {
      const sku = normaliseSku(skuInput);
      return db.transaction(async (tx) => {
        const [product] = await tx
          .select({ id: products.id, active: products.active })
          .from(products)
          .where(eq(products.sku, sku))
          .for('update');
        if (!product) throw notFound(sku);
        if (!product.active) return false;
        const [held] = await tx
          .select({ n: count() })
          .from(reservations)
          .where(
            and(
              eq(reservations.productId, product.id),
              eq(reservations.status, 'pending'),
              gt(reservations.expiresAt, clock.now()),
            ),
          );
        if ((held?.n ?? 0) > 0)
          throw new AppError(
            'conflict',
            'Live reservations hold this product',
            { sku, count: held?.n ?? 0 },
            'product.archive_held',
          );
        await tx.update(products).set({ active: false, updatedAt: sql`now()` }).where(eq(products.id, product.id));
        return true;
      });
    },

    async currencyOf(skuInput: string): Promise<string | undefined> {
      const [row] = await db
        .select({ currency: products.currency })
        .from(products)
        .where(and(eq(products.sku, normaliseSku(skuInput)), eq(products.active, true)));
      return row?.currency;
    },
  };
}

export type Products = ReturnType<typeof createProducts>;
