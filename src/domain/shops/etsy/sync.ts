import type { Db } from '../../../../db/client.ts';
import type { Clock } from '../../../clock.ts';
import type { Logger } from '../../../logger.ts';
import type { Inventory } from '../../inventory/index.ts';
import { MAX_QTY } from '../../inventory/index.ts';
import type { Connection } from '../connections.ts';
import { noCounts, type ShopStore, type SyncCounts } from '../store.ts';
import { applyReceipt, availableMoves, type ReceiptStep, stepFor } from './receipts.ts';
import type { EtsySession } from './session.ts';
import { type EtsyReceipt, type EtsyVariant, listingSchema, receiptSchema, variantsOf } from './shapes.ts';

/** Receipts are read again this far back, so one changed while the last sync ran is not missed. */
const RECEIPT_OVERLAP_MS = 5 * 60 * 1000;

export interface SyncProgress {
  stage: 'receipts' | 'listings' | 'sales';
  done: number;
  total: number;
}

export interface SyncDeps {
  db: Db;
  clock: Clock;
  log: Logger;
  inventory: Inventory;
  store: ShopStore;
  session: EtsySession;
  connection: Connection;
  runId: number;
  progress?: ((progress: SyncProgress) => Promise<void>) | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * One sync of a shop: receipts modified since the last sync are read first (so the stock they move is known),
 * then every listing with its inventory, a page at a time, becomes products and stock (Etsy's quantity through
 * the ledger, reason `sync`), then the receipts become sales. Nothing new on Etsy: nothing changes, no ledger rows.
 * `counts` fills as it goes, so a run that stops halfway still records what it did.
 */
export async function syncShop(deps: SyncDeps, counts: SyncCounts = noCounts()): Promise<SyncCounts> {
  const receipts = await readReceipts(deps, counts);
  const sales = await deps.store.receipts(
    deps.connection.id,
    receipts.map((receipt) => receipt.receipt_id),
  );
  const planned = receipts.map((receipt) => ({ receipt, step: stepFor(receipt, sales.get(receipt.receipt_id)) }));
  const moves = availableMoves(planned);
  await syncListings(deps, moves, counts);
  await applyReceipts(deps, planned, sales, counts);
  return counts;
}

async function readReceipts(deps: SyncDeps, counts: SyncCounts): Promise<EtsyReceipt[]> {
  const since = deps.connection.receiptsSince;
  const query = since ? { min_last_modified: Math.floor((since.getTime() - RECEIPT_OVERLAP_MS) / 1000) } : {};
  const path = `/v3/application/shops/${deps.connection.shopId}/receipts`;
  const found: EtsyReceipt[] = [];
  for await (const page of deps.session.pages<unknown>(path, query)) {
    for (const raw of page.results) {
      const parsed = receiptSchema.safeParse(raw);
      counts.read += 1;
      if (parsed.success) found.push(parsed.data);
      else counts.failed += 1;
    }
    await deps.progress?.({ stage: 'receipts', done: found.length, total: page.count });
  }
  return found;
}

/** Pages written to the database at once: each page's products are its own, so their transactions do not meet. */
const PAGES_IN_FLIGHT = 3;

async function syncListings(deps: SyncDeps, moves: Map<string, number>, counts: SyncCounts) {
  const path = `/v3/application/shops/${deps.connection.shopId}/listings`;
  const writing = new Set<Promise<void>>();
  for (const state of ['active', 'sold_out']) {
    let done = 0;
    for await (const page of deps.session.pages<unknown>(path, { state, includes: 'Inventory' })) {
      deps.signal?.throwIfAborted();
      const variants = pageVariants(page.results, counts);
      counts.read += variants.length;
      const write = applyPage(deps, variants, moves, counts).finally(() => writing.delete(write));
      write.catch(() => undefined); // seen by Promise.race/all; not an unhandled rejection meanwhile
      writing.add(write);
      if (writing.size >= PAGES_IN_FLIGHT) await Promise.race(writing);
      done += page.results.length;
      if (state === 'active') await deps.progress?.({ stage: 'listings', done, total: page.count });
    }
  }
  await Promise.all(writing);
}

function pageVariants(results: unknown[], counts: SyncCounts): EtsyVariant[] {
  const variants: EtsyVariant[] = [];
  for (const raw of results) {
    const parsed = listingSchema.safeParse(raw);
    if (!parsed.success) {
      counts.failed += 1;
      continue;
    }
    const found = variantsOf(parsed.data);
    variants.push(...found.variants);
    counts.failed += found.failed;
  }
  return variants;
}

/** One page of variations in one transaction: products by SKU, links, then Etsy's quantities through the ledger. */
async function applyPage(deps: SyncDeps, variants: EtsyVariant[], moves: Map<string, number>, counts: SyncCounts) {
  const unique = new Map<string, EtsyVariant>();
  for (const variant of variants) {
    if (unique.has(variant.sku.toUpperCase()))
      counts.failed += 1; // two Etsy products share a SKU: the first wins
    else unique.set(variant.sku.toUpperCase(), variant);
  }
  const chosen = [...unique.values()];
  await deps.db.transaction(async (tx) => {
    const upserted = await deps.inventory.marketplace.upsert(tx, chosen);
    const connectionId = deps.connection.id;
    const rows = chosen.flatMap((variant) => {
      const product = upserted.get(variant.sku.toUpperCase());
      return product ? [{ listingId: variant.listingId, variant: variant.variant, productId: product.productId }] : [];
    });
    await deps.store.link(tx, connectionId, rows);
    const listingIds = [...new Set(chosen.map((variant) => variant.listingId))];
    const pending = await deps.store.pendingPushes(tx, connectionId, listingIds);
    const targets = chosen.flatMap((variant) => {
      const product = upserted.get(variant.sku.toUpperCase());
      if (!product || pending.has(variant.listingId)) return [];
      const wanted = targetOf(variant, moves);
      if (wanted === product.available) return [];
      const key = `etsy:sync:${deps.runId}:${product.productId}`;
      return [{ productId: product.productId, available: wanted, key, reference: `etsy:listing:${variant.listingId}` }];
    });
    const { changed, refused } = await deps.inventory.marketplace.setAvailable(tx, targets, 'etsy');
    for (const variant of chosen) {
      const product = upserted.get(variant.sku.toUpperCase());
      if (!product || refused.has(product.productId)) counts.failed += 1;
      else if (product.created) counts.created += 1;
      else if (product.changed || changed.has(product.productId)) counts.changed += 1;
      else counts.unchanged += 1;
    }
  });
}

/** Etsy's quantity before the receipts of this run move it: what bodega's available units must be now. */
function targetOf(variant: EtsyVariant, moves: Map<string, number>): number {
  const moved = moves.get(`${variant.listingId}|${variant.variant}`) ?? 0;
  return Math.min(MAX_QTY, Math.max(0, variant.quantity - moved));
}

async function applyReceipts(
  deps: SyncDeps,
  planned: Array<{ receipt: EtsyReceipt; step: ReceiptStep }>,
  sales: Map<number, { saleId: number }>,
  counts: SyncCounts,
) {
  const receiptDeps = {
    db: deps.db,
    log: deps.log,
    inventory: deps.inventory,
    store: deps.store,
    connectionId: deps.connection.id,
  };
  let done = 0;
  for (const { receipt, step } of planned) {
    deps.signal?.throwIfAborted();
    await applyReceipt(receiptDeps, receipt, step, sales.get(receipt.receipt_id), counts);
    done += 1;
    if (done % 25 === 0) await deps.progress?.({ stage: 'sales', done, total: planned.length });
  }
}
