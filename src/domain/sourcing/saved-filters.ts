import { and, asc, eq, isNull, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { isUniqueViolation } from '../../../db/errors.ts';
import { filterSeen, savedFilters } from '../../../db/schema/filters.ts';
import { supplierProducts } from '../../../db/schema/sourcing.ts';
import { type Clock, localDay } from '../../clock.ts';
import { AppError } from '../../errors.ts';
import type { Settings } from '../settings/index.ts';
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
  /** The shop's region (ship-to) and time zone: the daily cap counts the shop's days, not UTC's. */
  settings: Pick<Settings, 'current'>;
  notify: FilterNotifier;
}

type Row = typeof savedFilters.$inferSelect;
type Target = { platform: string; chatId: string };

const toFilter = (row: Row): SavedFilter => ({
  id: row.id,
  name: row.name,
  platform: row.platform,
  chatId: row.chatId,
  locale: row.locale,
  words: row.words,
  criteria: row.criteria as Criteria,
  lastRunAt: row.lastRunAt,
  dailyCap: row.dailyCap,
});

const inChat = (target: Target) =>
  and(eq(savedFilters.platform, target.platform), eq(savedFilters.chatId, target.chatId));

/** Saved searches per chat that report each matching product once, within a cooldown and a daily cap. */
export function createSavedFilters(deps: Deps) {
  const { db, clock } = deps;

  async function find(target: Target, name: string): Promise<SavedFilter> {
    const [row] = await db
      .select()
      .from(savedFilters)
      .where(and(inChat(target), sql`lower(${savedFilters.name}) = lower(${name})`));
    if (!row) throw new AppError('not_found', `No filter ${name}`, { name }, 'filter.not_found');
    return toFilter(row);
  }

  /** Marks the products reported and queues the message, within the daily cap; the rest waits for a later run. */
  async function report(filter: SavedFilter, results: StoredItem[], searchId: number, today: string) {
    return db.transaction(async (tx) => {
      const [state] = await tx
        .select({ day: savedFilters.notifiedDay, notifiedToday: savedFilters.notifiedToday })
        .from(savedFilters)
        .where(eq(savedFilters.id, filter.id))
        .for('update');
      if (!state) throw new AppError('not_found', 'Filter removed', { name: filter.name }, 'filter.not_found');
      const usedToday = state.day === today ? state.notifiedToday : 0;
      const seenRows = await tx
        .select({ externalId: supplierProducts.externalId })
        .from(filterSeen)
        .innerJoin(supplierProducts, eq(supplierProducts.id, filterSeen.supplierProductId))
        .where(eq(filterSeen.filterId, filter.id));
      const seen = new Set(seenRows.map((row) => row.externalId));
      const fresh = results.filter((item) => !seen.has(item.externalId));
      const reported = fresh.slice(0, Math.max(0, filter.dailyCap - usedToday));
      if (reported.length > 0) {
        const ids = await tx
          .select({ id: supplierProducts.id, externalId: supplierProducts.externalId })
          .from(supplierProducts)
          .where(
            or(
              ...reported.map((item) =>
                and(eq(supplierProducts.source, item.source), eq(supplierProducts.externalId, item.externalId)),
              ),
            ),
          );
        await tx
          .insert(filterSeen)
          .values(ids.map((row) => ({ filterId: filter.id, supplierProductId: row.id })))
          .onConflictDoNothing();
        await deps.notify(tx, filter, reported, `filter:${filter.id}:search:${searchId}`);
      }
      await tx
        .update(savedFilters)
        .set({ lastRunAt: clock.now(), notifiedDay: today, notifiedToday: usedToday + reported.length })
        .where(eq(savedFilters.id, filter.id));
      return { reported: reported.length, heldBack: fresh.length - reported.length };
    });
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
        const [row] = await db
          .insert(savedFilters)
          .values({ ...filter, dailyCap: filter.dailyCap ?? 20 })
          .returning();
        return toFilter(row as Row);
      } catch (error) {
        if (isUniqueViolation(error))
          throw new AppError('conflict', 'Filter exists', { name: filter.name }, 'filter.exists');
        throw error;
      }
    },

    async list(target: Target): Promise<SavedFilter[]> {
      const rows = await db.select().from(savedFilters).where(inChat(target)).orderBy(asc(savedFilters.name));
      return rows.map(toFilter);
    },

    async remove(target: Target, name: string): Promise<void> {
      const filter = await find(target, name);
      await db.delete(savedFilters).where(eq(savedFilters.id, filter.id));
    },

    /** Filters whose cooldown has passed (or never ran), for the watch-filters job. */
    async due(): Promise<SavedFilter[]> {
      const rows = await db
        .select()
        .from(savedFilters)
        .where(
          or(
            isNull(savedFilters.lastRunAt),
            lte(sql`${savedFilters.lastRunAt} + ${savedFilters.cooldownMinutes} * interval '1 minute'`, clock.now()),
          ),
        )
        .orderBy(asc(savedFilters.id));
      return rows.map(toFilter);
    },

    /**
     * Runs the filter's search and reports the matching products its chat has not been told about, at most the
     * daily cap; products over the cap stay unreported and go out on a later run, so nothing is lost or repeated.
     */
    async run(filter: SavedFilter, signal?: AbortSignal): Promise<{ reported: number; heldBack: number }> {
      const shop = await deps.settings.current();
      const { searchId } = await deps.search.run({
        words: filter.words,
        criteria: filter.criteria,
        locale: filter.locale,
        shipTo: shop.region,
        requestedBy: null,
        signal,
      });
      const results = (await deps.search.page(searchId, 1, 1_000)).items;
      return report(filter, results, searchId, localDay(clock.now(), shop.timeZone));
    },
  };
}

export type SavedFilters = ReturnType<typeof createSavedFilters>;
