import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { rawRow, rawRows, timestamp } from '../../../db/raw.ts';
import type { Period } from './period.ts';

/** One marketplace sync of the month, as the Sincronizaciones sheet shows it. */
export interface SyncRunRow {
  startedAt: Date;
  finishedAt: Date | null;
  shop: string;
  status: string;
  /** Counts the run recorded (listings, receipts…), as `name: n` pairs. */
  details: string;
  error: string | null;
}

type Loose = Record<string, unknown>;

const pick = (row: Loose, ...names: string[]) => names.map((name) => row[name]).find((value) => value != null);
const dateOf = (value: unknown) => (value == null ? null : new Date(String(value)));
const COUNT = /(count|listings|receipts|products|sales|created|updated|skipped|errors|changed|fetched)/i;

/**
 * The month's sync runs. The shops area records them in `sync_runs` (built in parallel with this report); until that
 * table exists here, the `sync-shops` job's own runs stand in. Rows are read loosely (`to_jsonb`) so the sheet keeps
 * working whatever counts that table grows; the time column is the first of `started_at`, `created_at`.
 */
export async function syncRunsIn(db: Db, period: Period): Promise<SyncRunRow[]> {
  const exists = await rawRow<{ found: boolean }>(db, sql`select to_regclass('public.sync_runs') is not null as found`);
  const rows = exists?.found
    ? (await rawRows<{ row: Loose }>(db, sql`select to_jsonb(r) as row from sync_runs r`)).map((r) => r.row)
    : await jobRuns(db, period);
  return rows
    .map(toSyncRun)
    .filter((run) => run.startedAt >= period.start && run.startedAt < period.end)
    .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
}

async function jobRuns(db: Db, period: Period): Promise<Loose[]> {
  return rawRows<Loose>(
    db,
    sql`select started_at, finished_at, 'etsy' as shop, status, error from job_runs
        where job = 'sync-shops' and started_at >= ${timestamp(period.start)} and started_at < ${timestamp(period.end)}`,
  );
}

function toSyncRun(row: Loose): SyncRunRow {
  const details = Object.entries(row)
    .filter(([name, value]) => COUNT.test(name) && typeof value === 'number')
    .map(([name, value]) => `${name}: ${value}`)
    .join(', ');
  return {
    startedAt: dateOf(pick(row, 'started_at', 'created_at')) ?? new Date(0),
    finishedAt: dateOf(pick(row, 'finished_at', 'ended_at')),
    shop: String(pick(row, 'shop', 'shop_name', 'shop_id', 'platform') ?? ''),
    status: String(pick(row, 'status', 'outcome') ?? ''),
    details,
    error: (pick(row, 'error', 'errors_text') as string | undefined) ?? null,
  };
}
