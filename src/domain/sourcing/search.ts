import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { AppError, isAppError } from '../../errors.ts';
import type { SupplierItem } from './aliexpress/parse.ts';
import type { SupplierSource } from './aliexpress/source.ts';
import { type Criteria, keywords, meets, sortItems } from './criteria.ts';
import { rememberItems } from './store.ts';

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
}

/** Supplier search: fetch, remember every item seen, keep the ones that meet the criteria, in order. */
export function createSupplierSearch(deps: { db: Db; source: SupplierSource }) {
  const { db, source } = deps;

  async function finish(
    id: number,
    fields: { status: 'success' | 'failed'; fetched: number; matched: number; error?: string },
  ) {
    await db.execute(sql`update searches set status = ${fields.status}, fetched = ${fields.fetched}, matched = ${fields.matched},
      error = ${fields.error ?? null}, finished_at = now() where id = ${id}`);
  }

  return {
    /** Runs a search and stores its ordered results; every search is a row with status, counts, timings and error. */
    async run(request: SearchRequest): Promise<{ searchId: number; matched: number }> {
      const [row] = (await db.execute(sql`
        insert into searches (source, words, criteria, status, requested_by)
        values ('aliexpress', ${request.words}, ${JSON.stringify(request.criteria)}::jsonb, 'running', ${request.requestedBy}) returning id`)) as unknown as Array<{
        id: string;
      }>;
      const searchId = Number(row?.id);
      const seen: SupplierItem[] = [];
      const { criteria } = request;
      // "Any of these words" is one site search per word; otherwise the site gets all the words at once.
      const queries = criteria.match === 'any' ? keywords(request.words) : [request.words];
      const perQuery = request.pages ?? 1;
      const total = queries.length * perQuery;
      try {
        let done = 0;
        for (const words of queries) {
          for (let page = 1; page <= perQuery; page++) {
            if (request.signal?.aborted) throw new AppError('conflict', 'cancelled', {});
            const items = await source.search({
              words,
              page,
              locale: request.locale,
              currency: criteria.currency,
              shipTo: request.shipTo,
              sort: criteria.sort,
              categoryId: criteria.categoryId,
            });
            seen.push(...items);
            await request.progress?.(++done, total);
            if (items.length === 0) break;
          }
        }
        const ids = await rememberItems(db, seen);
        const idOf = new Map(seen.map((item, i) => [item.externalId, ids[i] as number]));
        const matched = sortItems(
          seen.filter((item) => meets(item, criteria, request.words)),
          criteria.sort,
        );
        const unique = [...new Map(matched.map((item) => [item.externalId, item])).values()];
        if (unique.length > 0) {
          const values = sql.join(
            unique.map((item, position) => sql`(${searchId}, ${position}, ${idOf.get(item.externalId)})`),
            sql`, `,
          );
          await db.execute(sql`insert into search_results (search_id, position, supplier_product_id) values ${values}`);
        }
        await finish(searchId, { status: 'success', fetched: seen.length, matched: unique.length });
        return { searchId, matched: unique.length };
      } catch (error) {
        await finish(searchId, {
          status: 'failed',
          fetched: seen.length,
          matched: 0,
          error: isAppError(error) ? error.code : String(error),
        });
        throw error;
      }
    },

    /** One page of a stored search's results. */
    async page(searchId: number, page: number, size: number): Promise<ResultPage> {
      const [search] = (await db.execute(sql`
        select words, criteria, (select count(*)::int from search_results where search_id = ${searchId}) as total from searches where id = ${searchId}`)) as unknown as Array<{
        words: string;
        criteria: Criteria;
        total: number;
      }>;
      if (!search) throw new AppError('not_found', `No search ${searchId}`, {});
      const rows = (await db.execute(sql`
        select r.position, p.external_id, p.title, p.price_minor, p.currency, p.original_price_minor, p.rating, p.sold_count, p.image_url,
          p.store_id, p.store_name, p.shipping_tags, p.category_id, p.ship_days, p.url
        from search_results r join supplier_products p on p.id = r.supplier_product_id
        where r.search_id = ${searchId} order by r.position limit ${size} offset ${(page - 1) * size}`)) as unknown as Array<
        Record<string, unknown>
      >;
      return {
        searchId,
        words: search.words,
        criteria: search.criteria,
        total: search.total,
        items: rows.map((r) => ({
          position: Number(r.position),
          source: 'aliexpress',
          externalId: String(r.external_id),
          title: String(r.title),
          price: { minor: Number(r.price_minor), currency: String(r.currency) },
          originalPrice:
            r.original_price_minor === null
              ? undefined
              : { minor: Number(r.original_price_minor), currency: String(r.currency) },
          rating: r.rating === null ? undefined : String(r.rating),
          soldCount: r.sold_count === null ? undefined : Number(r.sold_count),
          imageUrl: r.image_url === null ? undefined : String(r.image_url),
          store: r.store_id === null ? undefined : { id: String(r.store_id), name: String(r.store_name) },
          shippingTags: r.shipping_tags as string[],
          categoryId: r.category_id === null ? undefined : String(r.category_id),
          shipDays: r.ship_days === null ? undefined : Number(r.ship_days),
          url: String(r.url),
        })),
      };
    },
  };
}

export type SupplierSearch = ReturnType<typeof createSupplierSearch>;
