import { desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { products, stockLedger } from '../../../db/schema/inventory.ts';
import { AppError } from '../../errors.ts';
import { normaliseSku } from './rules.ts';
import type { LedgerEntry, Page } from './types.ts';

/** The ledger of one product, newest first; archived products keep theirs. */
export function createHistory({ db }: { db: Db }) {
  return {
    async of(
      skuInput: string,
      page: { limit: number; offset: number },
    ): Promise<{ sku: string; title: string; archived: boolean; entries: Page<LedgerEntry> }> {
      const sku = normaliseSku(skuInput);
      const [product] = await db
        .select({ id: products.id, title: products.title, active: products.active })
        .from(products)
        .where(eq(products.sku, sku));
      if (!product) throw new AppError('not_found', `No product with SKU ${sku}`, { sku }, 'product.not_found');
      const rows = await db
        .select({
          id: stockLedger.id,
          at: stockLedger.createdAt,
          reason: stockLedger.reason,
          deltaTotal: stockLedger.deltaTotal,
          deltaReserved: stockLedger.deltaReserved,
          deltaSold: stockLedger.deltaSold,
          totalAfter: stockLedger.totalAfter,
          reservedAfter: stockLedger.reservedAfter,
          soldAfter: stockLedger.soldAfter,
          actor: stockLedger.actor,
          reference: stockLedger.reference,
          note: stockLedger.note,
          matches: sql<number>`count(*) over ()`.mapWith(Number),
        })
        .from(stockLedger)
        .where(eq(stockLedger.productId, product.id))
        .orderBy(desc(stockLedger.id))
        .limit(page.limit)
        .offset(page.offset);
      const items = rows.map(({ matches: _, ...entry }) => entry);
      return { sku, title: product.title, archived: !product.active, entries: { items, total: rows[0]?.matches ?? 0 } };
    },
  };
}
