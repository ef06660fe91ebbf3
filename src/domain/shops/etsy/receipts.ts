import type { Db } from '../../../../db/client.ts';
import type { Logger } from '../../../logger.ts';
import type { Inventory } from '../../inventory/index.ts';
import type { ShopStore, SyncCounts } from '../store.ts';
import { type EtsyReceipt, minorOf, variantKey } from './shapes.ts';

/** What bodega does with a receipt it reads: record its sale, ship it, cancel it, or nothing. */
export type ReceiptStep = 'record' | 'record+ship' | 'ship' | 'cancel' | 'none';

const CANCELLED = /^(canceled|cancelled|fully refunded)$/i;

/** The step a receipt needs given the sale it already became (if any), as the ledger allows it. */
export function stepFor(receipt: EtsyReceipt, sale: { status: string } | undefined): ReceiptStep {
  const cancelled = CANCELLED.test(receipt.status);
  if (!sale) {
    if (cancelled || !receipt.is_paid) return 'none';
    return receipt.is_shipped ? 'record+ship' : 'record';
  }
  if (sale.status !== 'committed') return 'none'; // shipped or cancelled already: the ledger allows no more
  if (cancelled) return 'cancel';
  return receipt.is_shipped ? 'ship' : 'none';
}

/** The listing variation a transaction sold, keyed as links are (`listing|variant`). */
export function lineKey(line: EtsyReceipt['transactions'][number]): string {
  const values = (line.variations ?? [])
    .filter((variation) => variation.value_id !== null)
    .map((variation) => ({ property_id: variation.property_id, value_ids: [variation.value_id as number] }));
  return `${line.listing_id}|${variantKey(values)}`;
}

/** How much each receipt's step will move available units, per `listing|variant` (a sale -n, a cancellation +n). */
export function availableMoves(planned: Array<{ receipt: EtsyReceipt; step: ReceiptStep }>): Map<string, number> {
  const moves = new Map<string, number>();
  for (const { receipt, step } of planned) {
    const sign = step === 'record' || step === 'record+ship' ? -1 : step === 'cancel' ? 1 : 0;
    if (sign === 0) continue;
    for (const line of receipt.transactions)
      moves.set(lineKey(line), (moves.get(lineKey(line)) ?? 0) + sign * line.quantity);
  }
  return moves;
}

export interface ReceiptDeps {
  db: Db;
  log: Logger;
  inventory: Inventory;
  store: ShopStore;
  connectionId: number;
}

/**
 * Applies one receipt's step through the sales service: the sale is recorded once (its idempotency key is the
 * receipt's), shipped when Etsy shipped it, cancelled when Etsy cancelled or fully refunded it. Counts what happened.
 */
export async function applyReceipt(
  deps: ReceiptDeps,
  receipt: EtsyReceipt,
  step: ReceiptStep,
  sale: { saleId: number } | undefined,
  counts: SyncCounts,
): Promise<void> {
  if (step === 'none') {
    counts.unchanged += 1;
    return;
  }
  try {
    let saleId = sale?.saleId;
    if (step === 'record' || step === 'record+ship') {
      saleId = await recordReceipt(deps, receipt);
      counts.created += 1;
    } else counts.changed += 1;
    if (saleId === undefined) return;
    if (step === 'ship' || step === 'record+ship') await deps.inventory.sales.shipSale(saleId, 'etsy');
    if (step === 'cancel') await deps.inventory.sales.cancelSale(saleId, 'etsy');
  } catch (error) {
    deps.log.warn({ err: error, receiptId: receipt.receipt_id }, 'etsy receipt not recorded');
    counts.failed += 1;
  }
}

async function recordReceipt(deps: ReceiptDeps, receipt: EtsyReceipt): Promise<number> {
  const listingIds = [...new Set(receipt.transactions.flatMap((line) => (line.listing_id ? [line.listing_id] : [])))];
  const links = await deps.store.links(deps.db, deps.connectionId, listingIds);
  const lines = receipt.transactions.map((line) => {
    const product = links.get(lineKey(line)) ?? links.get(`${line.listing_id}|`);
    const unitPriceMinor = minorOf(line.price);
    if (!product || unitPriceMinor === undefined)
      throw new Error(`receipt ${receipt.receipt_id}: transaction ${line.transaction_id} names no linked product`);
    return { sku: product.sku, qty: line.quantity, unitPriceMinor };
  });
  const currency = receipt.transactions[0]?.price.currency_code ?? 'USD';
  const { sale } = await deps.inventory.sales.recordSale({
    source: 'etsy',
    externalRef: String(receipt.receipt_id),
    currency,
    lines,
    actor: 'etsy',
    idempotencyKey: `etsy:receipt:${receipt.receipt_id}`,
  });
  await deps.store.rememberReceipt(deps.connectionId, receipt.receipt_id, sale.id);
  return sale.id;
}
