import { createHash } from 'node:crypto';
import { and, asc, eq, inArray, or, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { products, reservations } from '../../../db/schema/inventory.ts';
import { type SaleSource, saleLines, sales } from '../../../db/schema/sales.ts';
import type { Clock } from '../../clock.ts';
import { AppError } from '../../errors.ts';
import { applyChange, insufficient, levelsOf } from './levels.ts';
import { checkQuantity, normaliseSku } from './rules.ts';
import type { LowStockNotifier, Outcome, Sale } from './types.ts';

export interface RecordSaleRequest {
  source: SaleSource;
  /** The marketplace's id for it (an Etsy receipt id); unique per source. */
  externalRef?: string | undefined;
  currency: string;
  /** Unit prices in minor units of `currency`; left out, the product's own price (same currency only). */
  lines: Array<{ sku: string; qty: number; unitPriceMinor?: number | undefined }>;
  actor: string;
  /** One per external transaction: recording it again answers the same sale and changes nothing. */
  idempotencyKey: string;
}

type SaleEnd = 'ship' | 'cancel';
const endStatus = { ship: 'shipped', cancel: 'cancelled' } as const;

/** The sales a product has sold and not shipped yet, oldest first. */
export async function openSaleIds(tx: Db, productId: number): Promise<number[]> {
  const rows = await tx
    .selectDistinct({ id: sales.id })
    .from(sales)
    .innerJoin(saleLines, eq(saleLines.saleId, sales.id))
    .where(and(eq(saleLines.productId, productId), eq(sales.status, 'committed')))
    .orderBy(asc(sales.id));
  return rows.map((row) => row.id);
}

/** Records the one-line sale a committed reservation became, at the product's price. */
export async function saleFromReservation(
  tx: Db,
  reservation: { id: number; productId: number; qty: number; apiKeyId: number | null; actor: string },
): Promise<number> {
  const [product] = await tx
    .select({ priceMinor: products.priceMinor, currency: products.currency })
    .from(products)
    .where(eq(products.id, reservation.productId));
  if (!product) throw new Error(`reservation ${reservation.id} names no product`);
  const [sale] = await tx
    .insert(sales)
    .values({
      source: reservation.apiKeyId === null ? 'manual' : 'api',
      reservationId: reservation.id,
      currency: product.currency,
      actor: reservation.actor,
    })
    .returning({ id: sales.id });
  if (!sale) throw new Error('sale insert returned nothing');
  await tx.insert(saleLines).values({
    saleId: sale.id,
    productId: reservation.productId,
    qty: reservation.qty,
    unitPriceMinor: product.priceMinor,
  });
  return sale.id;
}

/**
 * Ends an open sale inside the caller's transaction: shipping takes its units out of `total` and `sold`,
 * cancelling returns them to available; each line is a ledger row. Answers false when it was no longer open.
 */
async function endInTx(
  tx: Db,
  end: SaleEnd,
  request: { saleId: number; actor: string; at: Date; notify?: LowStockNotifier | undefined },
): Promise<boolean> {
  const stamp = end === 'ship' ? { shippedAt: request.at } : { cancelledAt: request.at };
  const [claimed] = await tx
    .update(sales)
    .set({ status: endStatus[end], ...stamp })
    .where(and(eq(sales.id, request.saleId), eq(sales.status, 'committed')))
    .returning({ reservationId: sales.reservationId });
  if (!claimed) return false;
  const lines = await tx
    .select({ id: saleLines.id, productId: saleLines.productId, qty: saleLines.qty })
    .from(saleLines)
    .where(eq(saleLines.saleId, request.saleId))
    .orderBy(asc(saleLines.productId), asc(saleLines.id)); // a fixed lock order, so two sales cannot deadlock
  for (const line of lines) {
    const change = {
      productId: line.productId,
      reason: end,
      deltaSold: -line.qty,
      deltaTotal: end === 'ship' ? -line.qty : 0,
      actor: request.actor,
      reference: `sale:${request.saleId}`,
      key: `sale:${request.saleId}:${end}:${line.id}`,
    };
    if (!(await applyChange(tx, change, request.notify)))
      throw new Error(`sale ${request.saleId} had no units to ${end}`);
  }
  if (claimed.reservationId !== null) {
    await tx
      .update(reservations)
      .set({ status: endStatus[end], updatedAt: sql`now()` })
      .where(eq(reservations.id, claimed.reservationId));
  }
  return true;
}

export const shipInTx = (tx: Db, request: Parameters<typeof endInTx>[2]) => endInTx(tx, 'ship', request);

/** A sale that must exist (it was just written or found in this transaction). */
async function requireSale(tx: Db, id: number): Promise<Sale> {
  const sale = await loadSale(tx, { id });
  if (!sale) throw new Error(`sale ${id} vanished`);
  return sale;
}

/** A sale with its lines. */
export async function loadSale(tx: Db, where: { id: number } | { reservationId: number }): Promise<Sale | undefined> {
  const [row] = await tx
    .select()
    .from(sales)
    .where('id' in where ? eq(sales.id, where.id) : eq(sales.reservationId, where.reservationId));
  if (!row) return undefined;
  const lines = await tx
    .select({ sku: products.sku, title: products.title, qty: saleLines.qty, unitPriceMinor: saleLines.unitPriceMinor })
    .from(saleLines)
    .innerJoin(products, eq(products.id, saleLines.productId))
    .where(eq(saleLines.saleId, row.id))
    .orderBy(asc(saleLines.id));
  const { id, source, externalRef, reservationId, currency, status, createdAt } = row;
  return { id, source, externalRef, reservationId, currency, status, createdAt, lines };
}

function checkSale(request: RecordSaleRequest) {
  if (!/^[A-Z]{3}$/.test(request.currency))
    throw new AppError(
      'invalid_input',
      'Currency must be an ISO 4217 code',
      { currency: request.currency },
      'sale.bad_currency',
    );
  if (request.lines.length < 1 || request.lines.length > 100)
    throw new AppError('invalid_input', 'A sale has 1 to 100 lines', { lines: request.lines.length }, 'sale.bad_lines');
  for (const line of request.lines) {
    checkQuantity(line.qty);
    if (line.unitPriceMinor !== undefined && (!Number.isSafeInteger(line.unitPriceMinor) || line.unitPriceMinor < 0))
      throw new AppError('invalid_input', 'Unit prices are whole minor units, not negative', {}, 'sale.bad_unit_price');
  }
  return request.lines.map((line) => ({ ...line, sku: normaliseSku(line.sku) }));
}

/** Sales: recorded from a marketplace or committed from a reservation; shipped or cancelled through the ledger. */
export function createSales(deps: { db: Db; clock: Clock; notify?: LowStockNotifier | undefined }) {
  const { db, clock, notify } = deps;

  async function end(kind: SaleEnd, saleId: number, actor: string): Promise<Outcome<Sale>> {
    return db.transaction(async (tx) => {
      const changed = await endInTx(tx, kind, { saleId, actor, at: clock.now(), notify });
      const sale = await loadSale(tx, { id: saleId });
      if (!sale) throw new AppError('not_found', `No sale ${saleId}`, { id: saleId }, 'sale.not_found');
      if (!changed && sale.status !== endStatus[kind]) {
        throw new AppError(
          'conflict',
          `Sale ${saleId} is ${sale.status}`,
          { id: saleId },
          `sale.already_${sale.status}`,
        );
      }
      return { value: sale, changed };
    });
  }

  async function addLines(tx: Db, saleId: number, request: RecordSaleRequest, lines: ReturnType<typeof checkSale>) {
    const found = await tx
      .select({ id: products.id, sku: products.sku, priceMinor: products.priceMinor, currency: products.currency })
      .from(products)
      .where(inArray(products.sku, [...new Set(lines.map((line) => line.sku))]));
    const bySku = new Map(found.map((product) => [product.sku, product]));
    const resolved = lines.map((line) => {
      const product = bySku.get(line.sku);
      if (!product)
        throw new AppError('not_found', `No product with SKU ${line.sku}`, { sku: line.sku }, 'product.not_found');
      if (line.unitPriceMinor === undefined && product.currency !== request.currency)
        throw new AppError(
          'invalid_input',
          'Give the unit price in the sale currency',
          { sku: line.sku, currency: request.currency },
          'sale.price_currency',
        );
      return { ...line, productId: product.id, unitPriceMinor: line.unitPriceMinor ?? product.priceMinor };
    });
    resolved.sort((a, b) => a.productId - b.productId);
    for (const line of resolved) {
      const [row] = await tx
        .insert(saleLines)
        .values({ saleId, productId: line.productId, qty: line.qty, unitPriceMinor: line.unitPriceMinor })
        .returning({ id: saleLines.id });
      const change = { productId: line.productId, reason: 'sale' as const, deltaSold: line.qty, actor: request.actor };
      const key = `sale:${saleId}:line:${row?.id}`;
      if (!(await applyChange(tx, { ...change, reference: `sale:${saleId}`, key }, notify)))
        throw insufficient((await levelsOf(tx, line.productId)).available);
    }
  }

  return {
    /**
     * Records a sale made elsewhere (a marketplace receipt): its units become `sold` at once, all lines or none.
     * The same idempotency key (or the same source and external reference) answers the sale already recorded;
     * with different contents it is refused.
     */
    async recordSale(request: RecordSaleRequest): Promise<{ sale: Sale; replayed: boolean }> {
      const lines = checkSale(request);
      const hash = createHash('sha256')
        .update(JSON.stringify([request.source, request.externalRef ?? null, request.currency, lines]))
        .digest('hex');
      const saleId = await db.transaction(async (tx) => {
        const [created] = await tx
          .insert(sales)
          .values({
            source: request.source,
            externalRef: request.externalRef ?? null,
            currency: request.currency,
            actor: request.actor,
            idempotencyKey: request.idempotencyKey,
            requestHash: hash,
          })
          .onConflictDoNothing()
          .returning({ id: sales.id });
        if (!created) return undefined;
        await addLines(tx, created.id, request, lines);
        return created.id;
      });
      if (saleId !== undefined) return { sale: await requireSale(db, saleId), replayed: false };
      return { sale: await earlier(request, hash), replayed: true };
    },

    /** Ships an open sale: its units leave `total` and `sold` (reason `ship`). Shipping again changes nothing. */
    shipSale: (saleId: number, actor: string) => end('ship', saleId, actor),

    /** Cancels an open sale: its units go back to available (reason `cancel`). A shipped sale cannot be cancelled. */
    cancelSale: (saleId: number, actor: string) => end('cancel', saleId, actor),

    get: (saleId: number) => loadSale(db, { id: saleId }),
  };

  async function earlier(request: RecordSaleRequest, hash: string): Promise<Sale> {
    const sameExternal =
      request.externalRef === undefined
        ? sql`false`
        : and(eq(sales.source, request.source), eq(sales.externalRef, request.externalRef));
    const [row] = await db
      .select({ id: sales.id, requestHash: sales.requestHash })
      .from(sales)
      .where(or(eq(sales.idempotencyKey, request.idempotencyKey), sameExternal));
    if (!row) throw new Error('a sale conflicted on insert but cannot be found');
    if (row.requestHash !== hash)
      throw new AppError('invalid_input', 'This sale was already recorded with other contents', {}, 'sale.key_reused');
    return requireSale(db, row.id);
  }
}

export type Sales = ReturnType<typeof createSales>;
