import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { searches, searchResults, supplierProducts } from '../../../db/schema/sourcing.ts';
import { AppError, isAppError } from '../../errors.ts';
import type { SupplierSource } from './aliexpress/source.ts';
import { type Criteria, keywords, meets, sortItems } from './criteria.ts';
import { rememberItems, storedItem } from './store.ts';
import type { SupplierItem } from './types.ts';

export interface SearchRequest {
  words: string;
  criteria: Criteria;
  locale: 'es' | 'en';
  shipTo: string;
  requestedBy: number | null;
  /** Result pages to read from the site at most (60 items each). */
  pages?: number;
  progress?: (done: number, of: number) => Promise<void>;
  signal?: AbortSignal;
}

export interface StoredItem extends SupplierItem {
  position: number;
}

export interface ResultPage {
  searchId: number;
  words: string;
  criteria: Criteria;
  items: StoredItem[];
  total: number;
  /** The currency prices came back in when the site ignored the one asked for: bounds could not be applied. */
  otherCurrency: string | undefined;
}

/** Supplier search: fetch, remember every item seen, keep the ones that meet the criteria, in order. */
export function createSupplierSearch(deps: { db: Db; source: SupplierSource }) {
  const { db, source } = deps;

  async function fetchAll(request: SearchRequest, progress: () => Promise<void>): Promise<SupplierItem[]> {
    const { criteria } = request;
    const seen: SupplierItem[] = [];
    // "Any of these words" is one site search per word; otherwise the site gets all the words at once.
    const queries = criteria.match === 'any' ? keywords(request.words) : [request.words];
    for (const words of queries) {
      for (let page = 1; page <= (request.pages ?? 1); page++) {
        request.signal?.throwIfAborted();
        const items = await source.search({
          words,
          page,
          locale: request.locale,
          currency: criteria.currency,
          shipTo: request.shipTo,
          sort: criteria.sort,
          categoryId: criteria.categoryId,
          signal: request.signal,
        });
        seen.push(...items);
        await progress();
        if (items.length === 0) break;
      }
    }
    return seen;
  }

  return {
    /** Runs a search and stores its ordered results; every search is a row with status, counts, timings and error. */
    async run(request: SearchRequest): Promise<{ searchId: number; matched: number }> {
      const [row] = await db
        .insert(searches)
        .values({
          source: 'aliexpress',
          words: request.words,
          criteria: request.criteria,
          status: 'running',
          requestedBy: request.requestedBy,
        })
        .returning({ id: searches.id });
      const searchId = (row as { id: number }).id;
      const finish = (fields: Partial<typeof searches.$inferInsert>) =>
        db
          .update(searches)
          .set({ ...fields, finishedAt: sql`now()` })
          .where(eq(searches.id, searchId));
      const total = (request.criteria.match === 'any' ? keywords(request.words).length : 1) * (request.pages ?? 1);
      let done = 0;
      let seen: SupplierItem[] = [];
      try {
        seen = await fetchAll(request, () => request.progress?.(++done, total) ?? Promise.resolve());
        const ids = await rememberItems(db, seen);
        const idOf = new Map(seen.map((item, i) => [item.externalId, ids[i] as number]));
        const { criteria } = request;
        const matched = sortItems(
          seen.filter((item) => meets(item, criteria, request.words)),
          criteria.sort,
        );
        const unique = [...new Map(matched.map((item) => [item.externalId, item])).values()];
        if (unique.length > 0) {
          await db.insert(searchResults).values(
            unique.map((item, position) => ({
              searchId,
              position,
              supplierProductId: idOf.get(item.externalId) as number,
            })),
          );
        }
        const otherCurrency = seen.find((item) => item.price.currency !== criteria.currency)?.price.currency;
        await finish({ status: 'success', fetched: seen.length, matched: unique.length, otherCurrency });
        return { searchId, matched: unique.length };
      } catch (error) {
        await finish({
          status: 'failed',
          fetched: seen.length,
          matched: 0,
          error: isAppError(error) ? error.code : error instanceof Error ? error.name : String(error),
        });
        throw error;
      }
    },

    /** One page of a stored search's results (pages count from 1). */
    async page(searchId: number, page: number, size: number): Promise<ResultPage> {
      const [search] = await db.select().from(searches).where(eq(searches.id, searchId));
      if (!search) throw new AppError('not_found', `No search ${searchId}`, { id: searchId }, 'search.not_found');
      const total = await db.$count(searchResults, eq(searchResults.searchId, searchId));
      const rows = await db
        .select({ position: searchResults.position, product: supplierProducts })
        .from(searchResults)
        .innerJoin(supplierProducts, eq(supplierProducts.id, searchResults.supplierProductId))
        .where(eq(searchResults.searchId, searchId))
        .orderBy(asc(searchResults.position))
        .limit(size)
        .offset((page - 1) * size);
      return {
        searchId,
        words: search.words,
        criteria: search.criteria as Criteria,
        total,
        otherCurrency: search.otherCurrency ?? undefined,
        items: rows.map((row) => ({ position: row.position, ...storedItem(row.product) })),
      };
    },
  };
}

export type SupplierSearch = ReturnType<typeof createSupplierSearch>;
