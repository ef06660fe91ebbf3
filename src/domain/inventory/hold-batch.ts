import { BATCH_CONNECTIONS, type Db } from '../../../db/client.ts';
import { isConnectionFailure } from '../../../db/errors.ts';
import { preparedRows } from '../../../db/raw.ts';
import type { ReservationStatus } from '../../../db/schema/inventory.ts';
import { AppError } from '../../errors.ts';
import { BATCH_HOLD, DISTINCT_HOLD } from './hold-batch-sql.ts';
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
  /** Where the batch statements run: the batch pool in bodega (`Database.batchDb`). */
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
  const maxInFlight = deps.maxInFlight ?? BATCH_CONNECTIONS;
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

  /**
   * The statement failed and wrote nothing: a distinct batch goes through the full statement, a full one runs request
   * by request, so only a bad request fails.
   */
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
