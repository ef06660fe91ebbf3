import { and, asc, gte, lt } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { syncRuns } from '../../../db/schema/shops.ts';
import type { Period } from './period.ts';

/** One marketplace sync of the month, as the Sincronizaciones sheet shows it. */
export interface SyncRunRow {
  startedAt: Date;
  finishedAt: Date | null;
  shop: string;
  status: string;
  /** Counts the run recorded, as `name: n` pairs. */
  details: string;
  error: string | null;
}

/** The month's sync runs from `sync_runs` (the shops area records one per sync), oldest first. */
export async function syncRunsIn(db: Db, period: Period): Promise<SyncRunRow[]> {
  const rows = await db
    .select()
    .from(syncRuns)
    .where(and(gte(syncRuns.startedAt, period.start), lt(syncRuns.startedAt, period.end)))
    .orderBy(asc(syncRuns.startedAt), asc(syncRuns.id));
  return rows.map((row) => ({
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    shop: `etsy:${row.shop}`,
    status: row.status,
    details: [
      `read: ${row.read}`,
      `created: ${row.created}`,
      `changed: ${row.changed}`,
      `unchanged: ${row.unchanged}`,
      `failed: ${row.failed}`,
      `calls: ${row.callsUsed}`,
    ].join(', '),
    error: row.error,
  }));
}
