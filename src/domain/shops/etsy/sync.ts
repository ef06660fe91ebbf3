import type { Db } from '../../../../db/client.ts';
import type { Clock } from '../../../clock.ts';
import type { Logger } from '../../../logger.ts';
import type { Inventory, UpsertedProduct } from '../../inventory/index.ts';
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
 */
export async function syncShop(deps: SyncDeps): Promise<SyncCounts> {
  const counts = noCounts();
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

async function syncListings(deps: SyncDeps, moves: Map<string, number>, counts: SyncCounts) {
  const path = `/v3/application/shops/${deps.connection.shopId}/listings`;
  for (const state of ['active', 'sold_out']) {
    let done = 0;
    for await (const page of deps.session.pages<unknown>(path, { state, includes: 'Inventory' })) {
      deps.signal?.throwIfAborted();
      const variants: EtsyVariant[] = [];
      for (const raw of page.results) {
        const parsed = listingSchema.safeParse(raw);
        if (!parsed.success) {
          counts.failed += 1;
          continue;
        }
        const found = variantsOf(parsed.data);
        variants.push(...found.variants);
        counts.failed += found.failed;
      }
      counts.read += variants.length;
      await applyPage(deps, variants, moves, counts);
      done += page.results.length;
      if (state === 'active') await deps.progress?.({ stage: 'listings', done, total: page.count });
    }
  }
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
    for (const variant of chosen) {
      const product = upserted.get(variant.sku.toUpperCase());
      if (!product) {
        counts.failed += 1;
        continue;
      }
      const moved = pending.has(variant.listingId) ? false : await moveStock(deps, tx, variant, product, moves);
      if (moved === undefined) counts.failed += 1;
      else if (product.created) counts.created += 1;
      else if (product.changed || moved) counts.changed += 1;
      else counts.unchanged += 1;
    }
  });
}

/** Etsy's quantity, before the receipts of this run move it, becomes available units through the ledger. */
async function moveStock(
  deps: SyncDeps,
  tx: Db,
  variant: EtsyVariant,
  product: UpsertedProduct,
  moves: Map<string, number>,
): Promise<boolean | undefined> {
  const target = Math.min(
    MAX_QTY,
    Math.max(0, variant.quantity - (moves.get(`${variant.listingId}|${variant.variant}`) ?? 0)),
  );
  if (target === product.available) return false;
  const result = await deps.inventory.marketplace.setAvailable(tx, product.productId, target, {
    actor: 'etsy',
    key: `etsy:sync:${deps.runId}:${product.productId}`,
    reference: `etsy:listing:${variant.listingId}`,
  });
  return result.refused ? undefined : result.changed;
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
