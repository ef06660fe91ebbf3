import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { isUniqueViolation } from '../../../db/errors.ts';
import { type Clock, localDay } from '../../clock.ts';
import { AppError } from '../../errors.ts';
import type { Criteria } from './criteria.ts';
import type { StoredItem, SupplierSearch } from './search.ts';

export interface SavedFilter {
  id: number;
  name: string;
  platform: string;
  chatId: string;
  locale: 'es' | 'en';
  words: string;
  criteria: Criteria;
  lastRunAt: Date | null;
  dailyCap: number;
}

/** Queues the message about a filter's new products, inside the transaction that marks them reported. */
export type FilterNotifier = (tx: Db, filter: SavedFilter, items: StoredItem[], runKey: string) => Promise<void>;

interface Deps {
  db: Db;
  clock: Clock;
  search: SupplierSearch;
  shipTo: string;
  /** BODEGA_TIMEZONE: the daily cap counts the shop's days, not UTC's. */
  timezone: string;
  notify: FilterNotifier;
}

const toFilter = (row: Record<string, unknown>): SavedFilter => ({
  id: Number(row.id),
  name: String(row.name),
  platform: String(row.platform),
  chatId: String(row.chat_id),
  locale: row.locale === 'en' ? 'en' : 'es',
  words: String(row.words),
  criteria: row.criteria as Criteria,
  lastRunAt: row.last_run_at ? new Date(String(row.last_run_at)) : null,
  dailyCap: Number(row.daily_cap),
});

/** Saved searches per chat that report each matching product once, within a cooldown and a daily cap. */
export function createSavedFilters(deps: Deps) {
  const { db, clock } = deps;
  const today = () => localDay(clock.now(), deps.timezone);

  async function find(target: { platform: string; chatId: string }, name: string): Promise<SavedFilter> {
    const [row] = (await db.execute(
      sql`select * from saved_filters where platform = ${target.platform} and chat_id = ${target.chatId} and lower(name) = lower(${name})`,
    )) as unknown as Array<Record<string, unknown>>;
    if (!row) throw new AppError('not_found', `No filter ${name}`, { name }, 'filter.not_found');
    return toFilter(row);
  }

  return {
    find,

    async add(filter: {
      name: string;
      platform: string;
      chatId: string;
      locale: 'es' | 'en';
      words: string;
      criteria: Criteria;
      createdBy: number | null;
      dailyCap?: number;
    }) {
      try {
        const [row] = (await db.execute(sql`
          insert into saved_filters (name, platform, chat_id, locale, words, criteria, created_by, daily_cap)
          values (${filter.name}, ${filter.platform}, ${filter.chatId}, ${filter.locale}, ${filter.words}, ${JSON.stringify(filter.criteria)}::jsonb,
            ${filter.createdBy}, ${filter.dailyCap ?? 20}) returning *`)) as unknown as Array<Record<string, unknown>>;
        return toFilter(row as Record<string, unknown>);
      } catch (error) {
        if (isUniqueViolation(error))
          throw new AppError('conflict', 'Filter exists', { name: filter.name }, 'filter.exists');
        throw error;
      }
    },

    async list(target: { platform: string; chatId: string }): Promise<SavedFilter[]> {
      const rows = (await db.execute(
        sql`select * from saved_filters where platform = ${target.platform} and chat_id = ${target.chatId} order by name`,
      )) as unknown as Array<Record<string, unknown>>;
      return rows.map(toFilter);
    },

    async remove(target: { platform: string; chatId: string }, name: string): Promise<void> {
      const filter = await find(target, name);
      await db.execute(sql`delete from saved_filters where id = ${filter.id}`);
    },

    /** Filters whose cooldown has passed (or never ran), for the watch-filters job. */
    async due(): Promise<SavedFilter[]> {
      const rows = (await db.execute(sql`
        select * from saved_filters
        where last_run_at is null or last_run_at + cooldown_minutes * interval '1 minute' <= ${clock.now().toISOString()}::timestamptz
        order by id`)) as unknown as Array<Record<string, unknown>>;
      return rows.map(toFilter);
    },

    /**
     * Runs the filter's search and reports the matching products its chat has not been told about, at most the
     * daily cap; products over the cap stay unreported and go out on a later run, so nothing is lost or repeated.
     */
    async run(filter: SavedFilter): Promise<{ reported: number; heldBack: number }> {
      const { searchId } = await deps.search.run({
        words: filter.words,
        criteria: filter.criteria,
        locale: filter.locale,
        shipTo: deps.shipTo,
        requestedBy: null,
      });
      const results = (await deps.search.page(searchId, 1, 1_000)).items;
      return db.transaction(async (tx) => {
        const [state] = (await tx.execute(sql`
          select notified_day::text as day, notified_today from saved_filters where id = ${filter.id} for update`)) as unknown as Array<{
          day: string | null;
          notified_today: number;
        }>;
        if (!state) throw new AppError('not_found', 'Filter removed', { name: filter.name }, 'filter.not_found');
        const usedToday = state.day === today() ? state.notified_today : 0;
        const seen = new Set(
          (
            (await tx.execute(sql`
          select p.external_id from filter_seen s join supplier_products p on p.id = s.supplier_product_id where s.filter_id = ${filter.id}`)) as unknown as Array<{
              external_id: string;
            }>
          ).map((r) => r.external_id),
        );
        const fresh = results.filter((item) => !seen.has(item.externalId));
        const reported = fresh.slice(0, Math.max(0, filter.dailyCap - usedToday));
        if (reported.length > 0) {
          const values = sql.join(
            reported.map(
              (item) =>
                sql`(${filter.id}, (select id from supplier_products where source = ${item.source} and external_id = ${item.externalId}))`,
            ),
            sql`, `,
          );
          await tx.execute(
            sql`insert into filter_seen (filter_id, supplier_product_id) values ${values} on conflict do nothing`,
          );
          await deps.notify(tx, filter, reported, `filter:${filter.id}:search:${searchId}`);
        }
        await tx.execute(sql`update saved_filters set last_run_at = ${clock.now().toISOString()}::timestamptz, notified_day = ${today()}::date,
          notified_today = ${usedToday + reported.length} where id = ${filter.id}`);
        return { reported: reported.length, heldBack: fresh.length - reported.length };
      });
    },
  };
}

export type SavedFilters = ReturnType<typeof createSavedFilters>;
