import type { Sql } from 'postgres';
import type { Db } from '../../../db/client.ts';
import type { LedgerEntry } from '../inventory/index.ts';
import type { Period } from './period.ts';

/** One ledger row of the month, with its product. */
export interface MovementRow extends Omit<LedgerEntry, 'id'> {
  sku: string;
  title: string;
}

/**
 * The month's ledger in order, a batch at a time (a server-side cursor: memory stays flat however long the month).
 * The next batch is asked for as soon as one arrives, so the database reads it while the caller writes this one.
 */
export async function* movementsIn(db: Db, period: Period, batch = 5_000): AsyncGenerator<MovementRow[]> {
  // drizzle's postgres.js database carries its client; the query builder has no cursors.
  const client = (db as Db & { $client: Sql }).$client;
  const cursor = client<MovementRow[]>`
    select g.created_at as at, p.sku, p.title, g.reason, g.delta_total as "deltaTotal",
      g.delta_reserved as "deltaReserved", g.delta_sold as "deltaSold", g.total_after as "totalAfter",
      g.reserved_after as "reservedAfter", g.sold_after as "soldAfter", g.actor, g.reference, g.note
    from stock_ledger g join products p on p.id = g.product_id
    where g.created_at >= ${period.start.toISOString()}::timestamptz
      and g.created_at < ${period.end.toISOString()}::timestamptz
    order by g.id`.cursor(batch);
  const batches = cursor[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<MovementRow[]>> | undefined;
  let finished = false;
  try {
    for (let next = await batches.next(); !next.done; pending = undefined) {
      pending = batches.next();
      // Handled below: a caller that stops early must not leave a rejection unhandled.
      pending.catch(() => {});
      // drizzle's client hands timestamps over as text; the rows are ours, so they are converted in place.
      for (const row of next.value) row.at = new Date(row.at);
      yield next.value;
      next = await pending;
    }
    finished = true;
  } finally {
    // Stopped early (an abort): let the batch asked for arrive, then close the cursor so its connection is freed.
    if (!finished) {
      await pending?.catch(() => undefined);
      await batches.return?.();
    }
  }
}
