import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { rawRows } from '../../../db/raw.ts';

/** One reservation request, ready for the database: normalised SKU, computed expiry and request fingerprint. */
export interface HoldEntry {
  sku: string;
  qty: number;
  expiresAt: Date;
  key: string | null;
  hash: string;
  reference: string | null;
  apiKeyId: number | null;
  actor: string;
}

/** A hold the batch granted: its reservation row and whether the product may have just crossed its threshold. */
export interface GrantedHold {
  reservationId: number;
  publicId: string;
  productId: number;
  mayBeLow: boolean;
}

interface GrantRow {
  ord: string;
  reservation_id: string;
  public_id: string;
  product_id: string;
  may_be_low: boolean;
}

/**
 * Many holds as one statement and one commit. Per product, requests are granted in arrival order while their
 * running sum fits what is available, and the levels row is updated once for all of them; each granted request
 * still gets its own reservation and ledger row. Anything not granted here (an idempotency key seen before, a
 * product short of stock or unknown) answers undefined and takes the one-by-one path, which knows how to replay,
 * expire overdue holds and refuse. The CHECK constraints still stand behind the arithmetic.
 */
export async function holdMany(db: Db, entries: HoldEntry[]): Promise<Array<GrantedHold | undefined>> {
  const requests = JSON.stringify(entries.map((entry) => ({ ...entry, expiresAt: entry.expiresAt.toISOString() })));
  const rows = await rawRows<GrantRow>(
    db,
    sql`
    with req as (
      select e->>'sku' as sku, (e->>'qty')::int as qty, (e->>'expiresAt')::timestamptz as expires_at,
        e->>'key' as key, e->>'hash' as hash, e->>'reference' as reference, (e->>'apiKeyId')::bigint as api_key_id,
        e->>'actor' as actor, ord
      from jsonb_array_elements(${requests}::jsonb) with ordinality as t(e, ord)),
    fresh as (
      select req.*, p.id as product_id, p.low_stock_threshold from req join products p on p.sku = req.sku and p.active
      where req.key is null or not exists (select 1 from reservations x where x.idempotency_key = req.key)),
    ranked as (
      select fresh.*, sum(fresh.qty) over (partition by fresh.product_id order by fresh.ord) as running from fresh),
    granted as materialized (
      select ranked.*, nextval(pg_get_serial_sequence('reservations', 'id')) as rid
      from ranked join stock_levels s on s.product_id = ranked.product_id
      where ranked.running <= s.total - s.reserved - s.sold),
    sums as (select product_id, sum(qty)::int as qty from granted group by product_id),
    held as (
      update stock_levels s set reserved = s.reserved + sums.qty, updated_at = now()
      from sums where s.product_id = sums.product_id and s.total - s.reserved - s.sold >= sums.qty
      returning s.product_id, s.total, s.reserved, s.sold, s.available, s.low_alerted, sums.qty as batch_qty),
    made as (
      insert into reservations (id, product_id, qty, expires_at, reference, idempotency_key, request_hash, api_key_id, actor)
      select g.rid, g.product_id, g.qty, g.expires_at, g.reference, g.key, g.hash, g.api_key_id, g.actor
      from granted g join held h on h.product_id = g.product_id
      returning id, public_id),
    logged as (
      insert into stock_ledger (product_id, reason, delta_reserved, total_after, reserved_after, sold_after, actor, reference, idempotency_key)
      select g.product_id, 'reserve', g.qty, h.total, h.reserved - h.batch_qty + g.running, h.sold, g.actor,
        coalesce(g.reference, 'reservation:' || g.rid), 'reservation:' || g.rid || ':reserve'
      from granted g join held h on h.product_id = g.product_id
      returning 1)
    select g.ord, m.id as reservation_id, m.public_id, g.product_id, (select count(*) from logged) as logged,
      (g.low_stock_threshold > 0 and h.available < g.low_stock_threshold and not h.low_alerted) as may_be_low
    from granted g join held h on h.product_id = g.product_id join made m on m.id = g.rid`,
  );
  const answers: Array<GrantedHold | undefined> = entries.map(() => undefined);
  for (const row of rows) {
    answers[Number(row.ord) - 1] = {
      reservationId: Number(row.reservation_id),
      publicId: row.public_id,
      productId: Number(row.product_id),
      mayBeLow: Boolean(row.may_be_low),
    };
  }
  return answers;
}

/**
 * Gathers concurrent holds into batches, one in flight at a time (measured: more in flight only queue on the hot
 * row or pay the per-statement cost more often); whatever arrives meanwhile goes together in the next.
 */
export function createHoldBatcher(db: Db, inFlight = 1, maxBatch = 256) {
  type Waiting = { entry: HoldEntry; resolve(granted: GrantedHold | undefined): void };
  let queue: Waiting[] = [];
  let running = 0;

  async function flush() {
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(maxBatch);
      // A failed batch (two requests racing on one idempotency key, say) fails nobody: each retries on its own.
      const granted = await holdMany(
        db,
        batch.map((waiting) => waiting.entry),
      ).catch(() => batch.map(() => undefined));
      for (const [index, waiting] of batch.entries()) waiting.resolve(granted[index]);
    }
    running--;
  }

  return {
    /** Grants the hold in the next batch, or answers undefined for the caller's one-by-one path. */
    hold(entry: HoldEntry): Promise<GrantedHold | undefined> {
      return new Promise((resolve) => {
        queue.push({ entry, resolve });
        if (running >= inFlight) return;
        running++;
        // Requests made in the same turn of the event loop join the same batch.
        setImmediate(() => void flush());
      });
    },
  };
}
