import type { Db } from '../../../db/client.ts';
import { isConnectionFailure } from '../../../db/errors.ts';
import { preparedRows } from '../../../db/raw.ts';
import type { ReservationStatus } from '../../../db/schema/inventory.ts';
import { AppError } from '../../errors.ts';
import type { ReserveRequest, ReserveResult } from './holds.ts';
import { insufficient } from './levels.ts';
import type { Reservation } from './types.ts';

/** One validated reservation request waiting for its batch, and the caller waiting for its answer. */
export interface QueuedHold {
  request: ReserveRequest;
  sku: string;
  ttl: number;
  hash: string;
  expiresAt: Date;
  /** Set once the request went round again after its product's overdue holds were expired. */
  retried?: boolean;
  resolve(result: ReserveResult): void;
  reject(error: unknown): void;
}

/** A reservation this idempotency key made before, as the batch statement found it. */
export interface EarlierHold {
  existing_id: string | null;
  existing_public_id: string | null;
  existing_sku: string | null;
  existing_qty: number | null;
  existing_status: ReservationStatus | null;
  existing_expires_at: string | null;
  existing_reference: string | null;
  existing_hash: string | null;
}

interface BatchRow extends EarlierHold {
  i: number;
  revoked: boolean;
  product_id: string | null;
  reservation_id: string | null;
  public_id: string | null;
  available: number | null;
  may_be_low: boolean | null;
  overdue: boolean | null;
}

/**
 * Every request of a batch in one statement and one commit. Per product, the requests are ranked in arrival order
 * and granted while their running sum fits what is available, all in one UPDATE of the product's row (locked first,
 * in product order, so two batches cannot deadlock and the sum is taken against the row as it is now). Each granted
 * request gets its own reservation row (id and public id drawn here, so rows map back to callers) and its own ledger
 * row with the levels as they stood after it. Keys seen before answer their earlier reservation and write nothing.
 * The CHECK constraints on stock_levels still refuse any oversell, whatever this arithmetic says. A request whose
 * storefront key is revoked is refused here, in the same snapshot as the work, so a revoke is seen by the very next
 * request on every instance however the caller cached the key's identity.
 */
const BATCH_HOLD = `
with keys as (select id from api_keys where id = any($5::bigint[]) and revoked_at is null),
sent as (
  select * from jsonb_to_recordset($1::text::jsonb) as r(
    i int, sku text, qty int, expires_at timestamptz, reference text, key text, hash text, api_key_id bigint, actor text)),
req as (select * from sent where api_key_id is null or api_key_id in (select id from keys)),
existing as (
  select req.i, r.id, r.public_id, ep.sku, r.qty, r.status, r.expires_at, r.reference, r.request_hash
  from reservations r join req on req.key = r.idempotency_key join products ep on ep.id = r.product_id
  where r.idempotency_key = any($3::text[])),
fresh as (
  select req.*, p.id as product_id, p.low_stock_threshold as threshold
  from req join products p on p.sku = req.sku and p.active
  where p.sku = any($4::text[]) and not exists (select 1 from existing e where e.i = req.i)),
locked as (
  select s.product_id, s.total - s.reserved - s.sold as available from stock_levels s
  where s.product_id = any(array(select product_id from fresh)) order by s.product_id for update of s),
granted as materialized (
  select ranked.*, nextval('reservations_id_seq') as rid, 'res_' || replace(gen_random_uuid()::text, '-', '') as pid
  from (select f.*, sum(f.qty) over (partition by f.product_id order by f.i) as running, l.available
        from fresh f join locked l using (product_id)) ranked
  where running <= available),
totals as (select product_id, max(running) as qty from granted group by product_id),
held as (
  update stock_levels s set reserved = s.reserved + t.qty, updated_at = now()
  from totals t where s.product_id = any(array(select product_id from totals)) and s.product_id = t.product_id
    and s.total - s.reserved - s.sold >= t.qty
  returning s.product_id, s.total, s.reserved, s.sold, s.available, s.low_alerted, t.qty as batch_qty),
made as (
  insert into reservations (id, public_id, product_id, qty, expires_at, reference, idempotency_key, request_hash,
    api_key_id, actor)
  select g.rid, g.pid, g.product_id, g.qty, g.expires_at, g.reference, g.key, g.hash, g.api_key_id, g.actor
  from granted g join held h using (product_id) order by g.i
  returning id),
logged as (
  insert into stock_ledger (product_id, reason, delta_reserved, total_after, reserved_after, sold_after, actor,
    reference, idempotency_key)
  select g.product_id, 'reserve', g.qty, h.total, h.reserved - h.batch_qty + g.running, h.sold, g.actor,
    coalesce(g.reference, 'reservation:' || g.rid), 'reservation:' || g.rid || ':reserve'
  from granted g join held h using (product_id) order by g.i
  returning id)
select sent.i, req.i is null as revoked, f.product_id, h.product_id is not null and g.rid is not null as granted,
  case when h.product_id is not null then g.rid end as reservation_id,
  case when h.product_id is not null then g.pid end as public_id,
  coalesce(h.available, l.available) as available,
  (f.threshold > 0 and h.available < f.threshold and not h.low_alerted) as may_be_low,
  case when f.product_id is not null and (h.product_id is null or g.rid is null) then exists (
    select 1 from reservations o
    where o.product_id = f.product_id and o.status = 'pending' and o.expires_at <= $2::timestamptz) end as overdue,
  e.id as existing_id, e.public_id as existing_public_id, e.sku as existing_sku, e.qty as existing_qty,
  e.status as existing_status, e.expires_at as existing_expires_at, e.reference as existing_reference,
  e.request_hash as existing_hash,
  (select count(*) from made) + (select count(*) from logged) as written
from sent left join req on req.i = sent.i left join existing e on e.i = req.i left join fresh f on f.i = req.i
  left join locked l on l.product_id = f.product_id left join granted g on g.i = req.i
  left join held h on h.product_id = f.product_id`;

/** The smallest batch worth its own statement when a wait is split over several in flight. */
const MIN_SPLIT = 8;

/** The storefront key the request came with was revoked since the caller last checked it. */
export const keyRevoked = () => new AppError('unauthorized', 'This API key was revoked', {}, 'apikey.revoked');

export interface HoldBatcherDeps {
  db: Db;
  now(): Date;
  /** The one-request path: used when the batch cannot answer a request by itself. */
  alone(item: QueuedHold): Promise<ReserveResult>;
  /** The earlier reservation a repeated key names (throws when the request differs). */
  replay(row: EarlierHold, item: QueuedHold): ReserveResult;
  /** A product's levels fell below its threshold: queue its alert (once). */
  lowStock(productId: number): Promise<void>;
  /** Expires a product's overdue holds, returning their units. */
  expire(productId: number): Promise<unknown>;
  /** Called with the size of each batch statement (metrics, tests). */
  onBatch?: ((size: number) => void) | undefined;
  maxBatch?: number;
  /** Batch statements running at once; the next batch gathers the requests that arrive meanwhile. */
  maxInFlight?: number;
}

/**
 * Group commit for reservations: requests arriving together (in the same turn of the event loop, or while earlier
 * batches are running) share one statement and one commit. A request the batch cannot settle by itself (short of
 * stock while overdue holds exist, or refused only because an earlier, larger request ranked first) runs alone; if
 * the statement fails as a whole, every request of it runs alone, so one bad request fails only itself.
 */
export function createHoldBatcher(deps: HoldBatcherDeps) {
  const maxBatch = deps.maxBatch ?? 100;
  const maxInFlight = deps.maxInFlight ?? 2;
  let queue: QueuedHold[] = [];
  /** Requests going round again; they go first, in the order they came. */
  let retries: QueuedHold[] = [];
  let inFlight = 0;
  let scheduled = false;

  /** The next batch: arrival order, at most one request per idempotency key (a repeat waits for the next batch). */
  function take(limit: number): QueuedHold[] {
    const batch: QueuedHold[] = [];
    const rest: QueuedHold[] = [];
    const keys = new Set<string>();
    for (const item of [...retries, ...queue]) {
      const key = item.request.idempotencyKey;
      if (batch.length >= limit || (key !== undefined && keys.has(key))) rest.push(item);
      else {
        if (key !== undefined) keys.add(key);
        batch.push(item);
      }
    }
    retries = [];
    queue = rest;
    return batch;
  }

  function schedule() {
    if (scheduled || queue.length + retries.length === 0 || inFlight >= maxInFlight) return;
    scheduled = true;
    setImmediate(flush);
  }

  function flush() {
    scheduled = false;
    while (inFlight < maxInFlight && queue.length + retries.length > 0) {
      // Spread a large wait over the free slots: one statement runs on one database backend (one core), so many
      // requests that arrived together finish soonest as batches running side by side; below MIN_SPLIT per batch the
      // per-statement cost dominates and one statement is cheaper.
      const share = Math.max(MIN_SPLIT, Math.ceil((queue.length + retries.length) / (maxInFlight - inFlight)));
      const batch = take(Math.min(maxBatch, share));
      inFlight++;
      deps.onBatch?.(batch.length);
      statement(batch).then(
        (rows) => {
          inFlight--;
          schedule();
          return answer(batch, rows);
        },
        (error) => {
          inFlight--;
          schedule();
          return fallBack(batch, error);
        },
      );
    }
  }

  function statement(batch: QueuedHold[]): Promise<BatchRow[]> {
    const items = batch.map((item, i) => ({
      i,
      sku: item.sku,
      qty: item.request.qty,
      expires_at: item.expiresAt.toISOString(),
      reference: item.request.reference ?? null,
      key: item.request.idempotencyKey ?? null,
      hash: item.hash,
      api_key_id: item.request.apiKeyId ?? null,
      actor: item.request.actor,
    }));
    const keys = items.flatMap((item) => (item.key === null ? [] : [item.key]));
    const skus = [...new Set(items.map((item) => item.sku))];
    const apiKeys = [...new Set(items.flatMap((item) => (item.api_key_id === null ? [] : [item.api_key_id])))];
    const params = [JSON.stringify(items), deps.now().toISOString(), keys, skus, apiKeys];
    return preparedRows<BatchRow>(deps.db, BATCH_HOLD, params);
  }

  const settle = (item: QueuedHold, work: () => Promise<ReserveResult>) => work().then(item.resolve, item.reject);

  /** The statement failed and wrote nothing: each request runs alone, so only a bad one fails. */
  async function fallBack(batch: QueuedHold[], error: unknown) {
    if (isConnectionFailure(error)) {
      for (const item of batch) item.reject(error);
      return;
    }
    await Promise.all(batch.map((item) => settle(item, () => deps.alone(item))));
  }

  async function answer(batch: QueuedHold[], rows: BatchRow[]) {
    const byIndex = new Map(rows.map((row) => [Number(row.i), row]));
    const alerts = new Map<number, Promise<unknown>>();
    const expiries = new Map<number, Promise<unknown>>();
    for (const row of rows) {
      const productId = Number(row.product_id);
      if (row.may_be_low && row.reservation_id && !alerts.has(productId))
        alerts.set(productId, deps.lowStock(productId));
    }
    await Promise.all(batch.map((item, i) => settle(item, () => outcome(item, byIndex.get(i), { alerts, expiries }))));
  }

  /** Once per product and batch: the first request to need it starts it, the others wait for the same one. */
  function once(map: Map<number, Promise<unknown>>, productId: number, work: (productId: number) => Promise<unknown>) {
    let running = map.get(productId);
    if (!running) {
      running = work(productId);
      map.set(productId, running);
    }
    return running;
  }

  function goRoundAgain(item: QueuedHold): Promise<ReserveResult> {
    return new Promise((resolve, reject) => {
      retries.push({ ...item, retried: true, resolve, reject });
      schedule();
    });
  }

  type Shared = { alerts: Map<number, Promise<unknown>>; expiries: Map<number, Promise<unknown>> };

  async function outcome(item: QueuedHold, row: BatchRow | undefined, shared: Shared) {
    if (!row) throw new Error('reservation batch answered no row for a request');
    if (row.revoked) throw keyRevoked();
    if (row.existing_id) return deps.replay(row, item);
    if (row.product_id === null)
      throw new AppError('not_found', `No product with SKU ${item.sku}`, { sku: item.sku }, 'product.not_found');
    if (row.reservation_id && row.public_id) {
      await shared.alerts.get(Number(row.product_id));
      const reservation: Reservation = {
        id: Number(row.reservation_id),
        publicId: row.public_id,
        sku: item.sku,
        qty: item.request.qty,
        status: 'pending',
        expiresAt: item.expiresAt,
        reference: item.request.reference ?? null,
      };
      return { reservation, replayed: false };
    }
    const available = row.available ?? 0;
    // Short while holds are overdue (they count as released: expire them, once), or only because a larger request
    // ranked first: go round again in the next batch, ahead of newer requests. The second time, run alone.
    if (row.overdue || item.request.qty <= available) {
      if (item.retried) return deps.alone(item);
      if (row.overdue) await once(shared.expiries, Number(row.product_id), deps.expire);
      return goRoundAgain(item);
    }
    throw insufficient(available);
  }

  return {
    /** Queues a validated request for the next batch; answers its own reservation, replay or refusal. */
    hold(item: Omit<QueuedHold, 'resolve' | 'reject'>): Promise<ReserveResult> {
      return new Promise((resolve, reject) => {
        queue.push({ ...item, resolve, reject });
        schedule();
      });
    },
  };
}
