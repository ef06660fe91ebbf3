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
  /** Set once the distinct-products statement could not settle it: it goes through the full one. */
  full?: boolean;
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

/** One row of the batch statement's answer: what became of one request (or, for `earlier`, of one key seen before). */
interface BatchRow {
  outcome: 'held' | 'short' | 'earlier' | 'revoked';
  /** The request's place in the batch; null for `earlier`, which is matched by its key. */
  i: number | null;
  product_id: string | null;
  /** `held`: the new reservation; `earlier`: the reservation this key made before. */
  id: string | null;
  public_id: string | null;
  /** `held`: after this batch; `short`: what was left for it. */
  available: number | null;
  /** `held`: the product may have crossed its low-stock threshold; `short`: some of its holds are overdue. */
  flag: boolean | null;
  key: string | null;
  sku: string | null;
  qty: number | null;
  status: ReservationStatus | null;
  expires_at: string | null;
  reference: string | null;
  request_hash: string | null;
}

/** An `earlier` row in the shape the one-request path answers replays from. */
const earlierHold = (row: BatchRow): EarlierHold => ({
  existing_id: row.id,
  existing_public_id: row.public_id,
  existing_sku: row.sku,
  existing_qty: row.qty,
  existing_status: row.status,
  existing_expires_at: row.expires_at,
  existing_reference: row.reference,
  existing_hash: row.request_hash,
});

/**
 * How both batch statements write what they granted: each request's reservation (in key order, so two batches that
 * share keys meet at the unique index in the same order and the later one waits instead of deadlocking) and its
 * ledger row with the levels after it. `granted` carries the ids drawn for it and `reserved_after`.
 */
const WRITE_GRANTED = `made as (
  insert into reservations (id, public_id, product_id, qty, expires_at, reference, idempotency_key, request_hash,
    api_key_id, actor)
  select g.rid, g.pid, g.product_id, g.qty, g.expires_at, g.reference, g.key, g.hash, g.api_key_id, g.actor
  from granted g order by g.key, g.i),
logged as (
  insert into stock_ledger (product_id, reason, delta_reserved, total_after, reserved_after, sold_after, actor,
    reference, idempotency_key)
  select g.product_id, 'reserve', g.qty, g.total, g.reserved_after, g.sold, g.actor,
    coalesce(g.reference, 'reservation:' || g.rid), 'reservation:' || g.rid || ':reserve'
  from granted g order by g.i)`;

/**
 * Every request of a batch in one statement and one commit. Per product, the requests are ranked in arrival order
 * and granted while their running sum fits what is available, all in one UPDATE of the product's row (locked first,
 * in product order, so two batches cannot deadlock and the sum is taken against the row as it is now). Each granted
 * request gets its own reservation row (id and public id drawn here, so rows map back to callers) and its own ledger
 * row with the levels as they stood after it. Keys seen before answer their earlier reservation and write nothing.
 * The CHECK constraints on stock_levels still refuse any oversell, whatever this arithmetic says. A request whose
 * storefront key is revoked is refused here, in the same snapshot as the work, so a revoke is seen by the very next
 * request on every instance however the caller cached the key's identity.
 *
 * The answer is one row per outcome, a UNION of small scans rather than one row per request joined across every
 * step: a statement's fixed cost (a node, a hash table per join) is most of what a batch of a few requests pays, and
 * the caller knows each request's place and key anyway. A request with no row of its own names no active product.
 */
const BATCH_HOLD = `
with sent as (
  select * from jsonb_to_recordset($1::text::jsonb) as r(
    i int, sku text, qty int, expires_at timestamptz, reference text, key text, hash text, api_key_id bigint, actor text)),
keys as materialized (select array(select id from api_keys where id = any($5::bigint[]) and revoked_at is null) as live),
earlier as materialized (
  select r.idempotency_key as key, r.id, r.public_id, (select sku from products where id = r.product_id) as sku,
    r.qty, r.status, r.expires_at, r.reference, r.request_hash
  from reservations r where r.idempotency_key = any($3::text[])),
ranked as materialized (
  select s.*, p.id as product_id, p.low_stock_threshold as threshold,
    sum(s.qty) over (partition by p.id order by s.i) as running
  from sent s join products p on p.sku = s.sku and p.active
  where p.sku = any($4::text[])
    and (s.api_key_id is null or s.api_key_id = any((select live from keys)::bigint[]))
    and (s.key is null or s.key <> all(array(select key from earlier)))),
locked as materialized (
  select s.product_id, s.total - s.reserved - s.sold as available from stock_levels s
  where s.product_id = any(array(select product_id from ranked)) order by s.product_id for update of s),
held as (
  update stock_levels s set reserved = s.reserved + t.qty, updated_at = now()
  from (select l.product_id, max(r.running) as qty from locked l join ranked r
        on r.product_id = l.product_id and r.running <= l.available group by l.product_id) t
  where s.product_id = t.product_id and s.total - s.reserved - s.sold >= t.qty
  returning s.product_id, s.total, s.reserved, s.sold, s.available, s.low_alerted, t.qty as batch_qty),
granted as materialized (
  select r.i, r.product_id, r.qty, r.expires_at, r.reference, r.key, r.hash, r.api_key_id, r.actor, r.threshold,
    h.total, h.reserved - h.batch_qty + r.running as reserved_after, h.sold, h.available, h.low_alerted,
    nextval('reservations_id_seq') as rid, 'res_' || replace(gen_random_uuid()::text, '-', '') as pid
  from ranked r join held h on h.product_id = r.product_id and r.running <= h.batch_qty
  order by r.i),
${WRITE_GRANTED}
select 'held' as outcome, g.i, g.product_id, g.rid as id, g.pid as public_id, g.available,
  g.threshold > 0 and g.available < g.threshold and not g.low_alerted as flag,
  null::text as key, null::text as sku, null::int as qty, null::text as status, null::timestamptz as expires_at,
  null::text as reference, null::text as request_hash
from granted g
union all
select 'short', r.i, r.product_id, null, null,
  l.available - coalesce((select sum(g.qty) from granted g where g.product_id = r.product_id), 0)::int,
  exists (select 1 from reservations o
    where o.product_id = r.product_id and o.status = 'pending' and o.expires_at <= $2::timestamptz),
  null, null, null, null, null, null, null
from ranked r join locked l on l.product_id = r.product_id
where r.i <> all(array(select i from granted))
union all
select 'earlier', null, null, e.id, e.public_id, null, null, e.key, e.sku, e.qty, e.status, e.expires_at, e.reference,
  e.request_hash
from earlier e
union all
select 'revoked', s.i, null, null, null, null, null, null, null, null, null, null, null, null
from sent s where s.api_key_id is not null and not s.api_key_id = any((select live from keys)::bigint[])`;

/**
 * The common case in a cheaper statement: every request of the batch names a different product, so no running sum
 * is needed and each is one conditional hold on its product's row (locked first, in product order, and written as
 * the full statement writes). It answers only what it held. Whatever it leaves (a key seen
 * before, a revoked storefront key, a SKU that names nothing, short of stock) wrote nothing and goes through
 * BATCH_HOLD, which knows how to answer it; so does the whole batch if this statement fails (two callers racing with
 * one key meet at the unique index).
 */
const DISTINCT_HOLD = `
with sent as (
  select * from jsonb_to_recordset($1::text::jsonb) as r(
    i int, sku text, qty int, expires_at timestamptz, reference text, key text, hash text, api_key_id bigint, actor text)),
ranked as materialized (
  select s.*, p.id as product_id, p.low_stock_threshold as threshold
  from sent s join products p on p.sku = s.sku and p.active
  where p.sku = any($2::text[])
    and (s.api_key_id is null or exists (select 1 from api_keys k where k.id = s.api_key_id and k.revoked_at is null))
    and (s.key is null or s.key <> all(array(
      select o.idempotency_key from reservations o where o.idempotency_key = any($3::text[]))))),
locked as materialized (
  select s.product_id from stock_levels s
  where s.product_id = any(array(select product_id from ranked)) order by s.product_id for update of s),
held as (
  update stock_levels s set reserved = s.reserved + r.qty, updated_at = now()
  from ranked r join locked l on l.product_id = r.product_id
  where s.product_id = r.product_id and s.total - s.reserved - s.sold >= r.qty
  returning s.product_id, s.total, s.reserved, s.sold, s.available, s.low_alerted),
granted as materialized (
  select r.i, r.product_id, r.qty, r.expires_at, r.reference, r.key, r.hash, r.api_key_id, r.actor, r.threshold,
    h.total, h.reserved as reserved_after, h.sold, h.available, h.low_alerted,
    nextval('reservations_id_seq') as rid, 'res_' || replace(gen_random_uuid()::text, '-', '') as pid
  from ranked r join held h on h.product_id = r.product_id
  order by r.i),
${WRITE_GRANTED}
select 'held' as outcome, g.i, g.product_id, g.rid as id, g.pid as public_id, g.available,
  g.threshold > 0 and g.available < g.threshold and not g.low_alerted as flag
from granted g`;

/** Which statement a batch went through. */
export type BatchStatement = 'distinct' | 'full';

/** What became of one batch statement: its size, which statement, and false when the statement failed as a whole. */
export interface BatchReport {
  size: number;
  statement: BatchStatement;
  answered: boolean;
  /** Why the statement failed, when it did. */
  error?: unknown;
}

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
  /** Called once each batch statement settles (metrics, tests). */
  onBatch?: ((report: BatchReport) => void) | undefined;
  maxBatch?: number;
  /** Batch statements running at once; the next batch gathers the requests that arrive meanwhile. */
  maxInFlight?: number;
}

/**
 * Group commit for reservations: requests arriving together (in the same turn of the event loop, or while earlier
 * batches are running) share one statement and one commit. A batch whose requests all name different products goes
 * through the cheaper DISTINCT_HOLD first; what it leaves, or all of it if it fails, goes round again through
 * BATCH_HOLD. A request that one cannot settle by itself (short of stock while overdue holds exist, or refused only
 * because an earlier, larger request ranked first) runs alone; if BATCH_HOLD fails as a whole, every request of it
 * runs alone, so one bad request fails only itself.
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
      const kind = statementFor(batch);
      inFlight++;
      statement(batch, kind).then(
        (rows) => {
          inFlight--;
          deps.onBatch?.({ size: batch.length, statement: kind, answered: true });
          schedule();
          return answer(batch, rows, kind);
        },
        (error) => {
          inFlight--;
          deps.onBatch?.({ size: batch.length, statement: kind, answered: false, error });
          schedule();
          return fallBack(batch, error, kind);
        },
      );
    }
  }

  /** The cheaper statement when every request names another product and none has been through the full one. */
  function statementFor(batch: QueuedHold[]): BatchStatement {
    if (batch.some((item) => item.full || item.retried)) return 'full';
    return new Set(batch.map((item) => item.sku)).size === batch.length ? 'distinct' : 'full';
  }

  function statement(batch: QueuedHold[], kind: BatchStatement): Promise<BatchRow[]> {
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
    if (kind === 'distinct') return preparedRows<BatchRow>(deps.db, DISTINCT_HOLD, [JSON.stringify(items), skus, keys]);
    const apiKeys = [...new Set(items.flatMap((item) => (item.api_key_id === null ? [] : [item.api_key_id])))];
    const params = [JSON.stringify(items), deps.now().toISOString(), keys, skus, apiKeys];
    return preparedRows<BatchRow>(deps.db, BATCH_HOLD, params);
  }

  const settle = (item: QueuedHold, work: () => Promise<ReserveResult>) => work().then(item.resolve, item.reject);

  /** The statement failed and wrote nothing: the distinct batch goes through the full statement, a full one runs
   * request by request, so only a bad request fails. */
  async function fallBack(batch: QueuedHold[], error: unknown, kind: BatchStatement) {
    if (isConnectionFailure(error)) {
      for (const item of batch) item.reject(error);
      return;
    }
    if (kind === 'distinct') {
      await Promise.all(batch.map((item) => settle(item, () => goRoundAgain(item, { full: true }))));
      return;
    }
    await Promise.all(batch.map((item) => settle(item, () => deps.alone(item))));
  }

  /** The statement's rows sorted by what they answer: a request's place, or a key seen before. */
  function sortRows(rows: BatchRow[]) {
    const byIndex = new Map<number, BatchRow>();
    const revoked = new Set<number>();
    const earlier = new Map<string, EarlierHold>();
    for (const row of rows) {
      if (row.outcome === 'earlier') {
        if (row.key !== null) earlier.set(row.key, earlierHold(row));
      } else if (row.outcome === 'revoked') revoked.add(Number(row.i));
      else byIndex.set(Number(row.i), row);
    }
    return { byIndex, revoked, earlier };
  }

  async function answer(batch: QueuedHold[], rows: BatchRow[], kind: BatchStatement) {
    const sorted = sortRows(rows);
    const alerts = new Map<number, Promise<unknown>>();
    const expiries = new Map<number, Promise<unknown>>();
    for (const row of sorted.byIndex.values()) {
      const productId = Number(row.product_id);
      if (row.outcome === 'held' && row.flag && !alerts.has(productId)) alerts.set(productId, deps.lowStock(productId));
    }
    await Promise.all(batch.map((item, i) => settle(item, () => outcome(item, i, kind, sorted, { alerts, expiries }))));
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

  /** Into the next batch, ahead of newer requests, marked with why it went round. */
  function goRoundAgain(item: QueuedHold, why: { retried: true } | { full: true }): Promise<ReserveResult> {
    return new Promise((resolve, reject) => {
      retries.push({ ...item, ...why, resolve, reject });
      schedule();
    });
  }

  type Shared = { alerts: Map<number, Promise<unknown>>; expiries: Map<number, Promise<unknown>> };

  async function outcome(
    item: QueuedHold,
    i: number,
    kind: BatchStatement,
    sorted: ReturnType<typeof sortRows>,
    shared: Shared,
  ) {
    if (sorted.revoked.has(i)) throw keyRevoked();
    const key = item.request.idempotencyKey;
    const earlier = key === undefined ? undefined : sorted.earlier.get(key);
    if (earlier) return deps.replay(earlier, item);
    const row = sorted.byIndex.get(i);
    // The distinct statement answers only what it held; the full one says why the rest was not.
    if (!row && kind === 'distinct') return goRoundAgain(item, { full: true });
    if (!row)
      throw new AppError('not_found', `No product with SKU ${item.sku}`, { sku: item.sku }, 'product.not_found');
    if (row.outcome === 'held' && row.id && row.public_id) {
      await shared.alerts.get(Number(row.product_id));
      const reservation: Reservation = {
        id: Number(row.id),
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
    const overdue = Boolean(row.flag);
    if (overdue || item.request.qty <= available) {
      if (item.retried) return deps.alone(item);
      if (overdue) await once(shared.expiries, Number(row.product_id), deps.expire);
      return goRoundAgain(item, { retried: true });
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
