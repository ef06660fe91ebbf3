import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../test/helpers/database.ts';
import { manualClock } from '../../clock.ts';
import { AppError } from '../../errors.ts';
import { createApiKeys } from '../apikeys/index.ts';
import { createInventory } from './index.ts';

const database = useTestDatabase();
const clock = manualClock('2026-05-01T12:00:00Z');
const inventory = () => createInventory({ db: database().db, batchDb: database().batchDb, clock });
let keys = 0;
const origin = () => ({ actor: 'user:1', key: `test:${++keys}` });

async function product(sku: string, stock: number, title = `Product ${sku}`, priceMinor = 2500) {
  await inventory().products.add({ sku, title, priceMinor, currency: 'MXN', stock }, origin());
}

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (error instanceof AppError) return error.reason;
    throw error;
  }
}

async function sellThrough(sku: string, qty: number) {
  const { reservation } = await inventory().reservations.reserve({ sku, qty, actor: 'user:1' });
  await inventory().reservations.commit({ id: reservation.id }, 'user:1');
  return reservation;
}

describe('a sale leaves the shelf', () => {
  it('receive 23, sell 3, ship 3, count 20: available 20 and the books balance', async () => {
    await product('SHIP-1', 0);
    await inventory().stock.receive('SHIP-1', 23, origin());
    const reservation = await sellThrough('SHIP-1', 3);
    const sale = await inventory().sales.get(1);
    expect(sale).toMatchObject({
      source: 'manual',
      status: 'committed',
      currency: 'MXN',
      reservationId: reservation.id,
    });
    expect(sale?.lines).toEqual([{ sku: 'SHIP-1', title: 'Product SHIP-1', qty: 3, unitPriceMinor: 2500 }]);
    expect((await inventory().reservations.ship({ id: reservation.id }, 'user:1')).changed).toBe(true);
    expect(await inventory().stock.get('SHIP-1')).toMatchObject({ total: 20, sold: 0, available: 20 });
    expect((await inventory().reservations.ship({ id: reservation.id }, 'user:1')).changed).toBe(false);
    expect((await inventory().stock.count('SHIP-1', 20, origin())).levels).toMatchObject({ total: 20, available: 20 });
    expect(await inventory().verify()).toEqual([]);
    const reasons = await database().db.execute(sql`
      select reason, delta_total, delta_sold from stock_ledger l join products p on p.id = l.product_id
      where p.sku = 'SHIP-1' and reason = 'ship'`);
    expect(reasons).toEqual([{ reason: 'ship', delta_total: -3, delta_sold: -3 }]);
  });

  it('counts assuming unshipped sales are still on the shelf, or ships them first when told they left', async () => {
    await product('COUNT-1', 23);
    await sellThrough('COUNT-1', 3);
    const assumed = await inventory().stock.count('COUNT-1', 20, origin());
    expect(assumed).toEqual({
      levels: { total: 20, reserved: 0, sold: 3, available: 17 },
      shippedSales: [],
      changed: true,
    });
    const shipped = await inventory().stock.count('COUNT-1', 20, origin(), { shipSold: true });
    expect(shipped.levels).toEqual({ total: 20, reserved: 0, sold: 0, available: 20 });
    expect(shipped.shippedSales).toHaveLength(1);
    expect(await inventory().verify()).toEqual([]);
  });

  it('refuses to ship a reservation that is not committed', async () => {
    await product('HOLD-1', 5);
    const { reservation } = await inventory().reservations.reserve({ sku: 'HOLD-1', qty: 1, actor: 'user:1' });
    expect(await reasonOf(inventory().reservations.ship({ id: reservation.id }, 'user:1'))).toBe(
      'reservation.not_committed',
    );
    expect(await inventory().stock.get('HOLD-1')).toMatchObject({ total: 5, reserved: 1 });
  });
});

describe('recording sales (the service marketplaces call)', () => {
  const order = {
    source: 'etsy' as const,
    externalRef: 'receipt-1',
    currency: 'MXN',
    lines: [
      { sku: 'ETSY-A', qty: 2, unitPriceMinor: 1999 },
      { sku: 'ETSY-B', qty: 1 },
    ],
    actor: 'etsy',
    idempotencyKey: 'etsy:receipt-1',
  };

  it('records a sale once per key, refuses the key with other contents, and ships or cancels through the ledger', async () => {
    await product('ETSY-A', 5);
    await product('ETSY-B', 5, 'B', 4200);
    const first = await inventory().sales.recordSale(order);
    expect(first.replayed).toBe(false);
    expect(first.sale.lines.map((line) => [line.sku, line.qty, line.unitPriceMinor])).toEqual([
      ['ETSY-A', 2, 1999],
      ['ETSY-B', 1, 4200],
    ]);
    expect(await inventory().sales.recordSale(order)).toEqual({ sale: first.sale, replayed: true });
    const changed = { ...order, lines: [{ sku: 'ETSY-A', qty: 3 }] };
    expect(await reasonOf(inventory().sales.recordSale(changed))).toBe('sale.key_reused');
    expect(await inventory().stock.get('ETSY-A')).toMatchObject({ sold: 2, available: 3 });
    expect((await inventory().sales.shipSale(first.sale.id, 'etsy')).changed).toBe(true);
    expect(await inventory().stock.get('ETSY-A')).toMatchObject({ total: 3, sold: 0, available: 3 });
    expect(await reasonOf(inventory().sales.cancelSale(first.sale.id, 'etsy'))).toBe('sale.already_shipped');
    expect(await inventory().verify()).toEqual([]);
  });

  it('records all lines or none when one is short, and cancelling returns units', async () => {
    const short = { ...order, externalRef: 'receipt-2', idempotencyKey: 'etsy:receipt-2' };
    short.lines = [
      { sku: 'ETSY-A', qty: 1, unitPriceMinor: 1999 },
      { sku: 'ETSY-B', qty: 50, unitPriceMinor: 1 },
    ];
    expect(await reasonOf(inventory().sales.recordSale(short))).toBe('error.insufficient_stock');
    expect(await inventory().stock.get('ETSY-A')).toMatchObject({ sold: 0, available: 3 });
    const ok = await inventory().sales.recordSale({ ...short, lines: [{ sku: 'ETSY-A', qty: 1 }] });
    expect((await inventory().sales.cancelSale(ok.sale.id, 'etsy')).value.status).toBe('cancelled');
    expect(await inventory().stock.get('ETSY-A')).toMatchObject({ total: 3, sold: 0, available: 3 });
    expect(await inventory().verify()).toEqual([]);
  });
});

describe('catalogue lists', () => {
  it('finds words without accents or case, and takes % and _ literally', async () => {
    await product('LAMP-1', 1, 'Lámpara de mesa');
    await product('PCT-1', 1, 'Descuento 100% algodón');
    await product('UND-1', 1, 'tapa_roja');
    const skus = async (words: string) =>
      (await inventory().stock.search(words, { limit: 50, offset: 0 })).items.map((p) => p.sku);
    expect(await skus('lampara')).toEqual(['LAMP-1']);
    expect(await skus('LÁMPARA MESA')).toEqual(['LAMP-1']);
    expect(await skus('algodon')).toEqual(['PCT-1']);
    expect(await skus('%')).toEqual(['PCT-1']);
    expect(await skus('_')).toEqual(['UND-1']);
  });

  it('archives a product out of lists and the API but keeps its history; not while it is held', async () => {
    await product('ARCH-1', 4);
    const { reservation } = await inventory().reservations.reserve({ sku: 'ARCH-1', qty: 1, actor: 'user:1' });
    expect(await reasonOf(inventory().products.archive('ARCH-1'))).toBe('product.archive_held');
    await inventory().reservations.release({ id: reservation.id }, 'user:1');
    expect(await inventory().products.archive('arch-1')).toBe(true);
    expect(await inventory().products.archive('ARCH-1')).toBe(false);
    expect(await inventory().stock.get('ARCH-1')).toBeUndefined();
    expect((await inventory().stock.search('ARCH', { limit: 50, offset: 0 })).items).toEqual([]);
    const history = await inventory().history.of('ARCH-1', { limit: 2, offset: 0 });
    expect(history).toMatchObject({ sku: 'ARCH-1', archived: true, entries: { total: 3 } });
    expect(history.entries.items.map((entry) => entry.reason)).toEqual(['release', 'reserve']);
    expect(
      await reasonOf(inventory().products.add({ sku: 'ARCH-1', title: 'x', priceMinor: 1, currency: 'MXN' }, origin())),
    ).toBe('product.exists_archived');
  });
});

describe('storefront reservations', () => {
  it('belong to their API key: another key cannot see or change them, and their public ids are random', async () => {
    await product('OWN-1', 10);
    // Holds name a real key: the reservation statement refuses a key that is not (or no longer) active.
    const { id: keyId } = await createApiKeys({ db: database().db }).create('shop a');
    const made = await Promise.all(
      [1, 2, 3].map((i) =>
        inventory().reservations.reserve({
          sku: 'OWN-1',
          qty: 1,
          actor: 'api:a',
          apiKeyId: keyId,
          idempotencyKey: `api:${keyId}:${i}`,
        }),
      ),
    );
    const ids = made.map((r) => r.reservation.publicId);
    expect(ids.every((id) => /^res_[0-9a-f]{32}$/.test(id))).toBe(true);
    // Consecutive holds get ids far apart: nothing to count up from.
    const values = ids.map((id) => BigInt(`0x${id.slice(4)}`));
    const gaps = values
      .slice(1)
      .map((value, i) => (value > (values[i] ?? 0n) ? value - (values[i] ?? 0n) : (values[i] ?? 0n) - value));
    expect(gaps.every((gap) => gap > 2n ** 64n)).toBe(true);
    const theirs = { publicId: ids[0] as string, apiKeyId: 999 };
    expect(await inventory().reservations.get(theirs)).toBeUndefined();
    expect(await reasonOf(inventory().reservations.release(theirs, 'api:b'))).toBe('reservation.not_found');
    expect(await reasonOf(inventory().reservations.commit(theirs, 'api:b'))).toBe('reservation.not_found');
    expect(await reasonOf(inventory().reservations.ship(theirs, 'api:b'))).toBe('reservation.not_found');
    expect((await inventory().reservations.get({ publicId: ids[0] as string, apiKeyId: keyId }))?.status).toBe(
      'pending',
    );
    expect(await inventory().stock.get('OWN-1')).toMatchObject({ reserved: 3 });
  });

  it('refuses a reused idempotency key when any field differs, and replays the identical request', async () => {
    await product('IDEM-2', 10);
    const request = {
      sku: 'IDEM-2',
      qty: 2,
      ttlSeconds: 600,
      reference: 'order-9',
      actor: 'api:a',
      idempotencyKey: 'api:1:k',
    };
    const first = await inventory().reservations.reserve(request);
    for (const change of [
      { sku: 'OWN-1' },
      { qty: 3 },
      { ttlSeconds: 900 },
      { reference: 'order-10' },
      { reference: undefined },
    ]) {
      expect(await reasonOf(inventory().reservations.reserve({ ...request, ...change })), JSON.stringify(change)).toBe(
        'reservation.key_reused',
      );
    }
    expect(await inventory().reservations.reserve(request)).toEqual({ reservation: first.reservation, replayed: true });
    expect(await inventory().stock.get('IDEM-2')).toMatchObject({ reserved: 2 });
  });
});
