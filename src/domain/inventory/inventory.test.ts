import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../test/helpers/database.ts';
import { manualClock } from '../../clock.ts';
import { AppError } from '../../errors.ts';
import { createInventory, type LowStockAlert } from './index.ts';

const database = useTestDatabase({ poolSize: 30 });
const clock = manualClock('2026-05-01T12:00:00Z');
const alerts: LowStockAlert[] = [];
const inventory = () =>
  createInventory({
    db: database().db,
    batchDb: database().batchDb,
    clock,
    notify: async (_tx, alert) => void alerts.push(alert),
  });
let keys = 0;
const origin = (note?: string) => ({ actor: 'test', key: `test:${++keys}`, note });

async function product(sku: string, stock: number, threshold = 0) {
  await inventory().products.add(
    { sku, title: `Product ${sku}`, priceMinor: 1999, currency: 'MXN', stock, threshold },
    origin(),
  );
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (error instanceof AppError) return error.reason;
    throw error;
  }
}

/** What Postgres itself said (drizzle wraps it): its message and the constraint it names. */
async function postgresRefusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    const cause = (error as { cause?: { message?: string; constraint_name?: string } }).cause;
    return `${cause?.message ?? String(error)} ${cause?.constraint_name ?? ''}`;
  }
  return 'accepted';
}

describe('stock levels', () => {
  it('never oversells under 200 concurrent reservations of one product, and the books balance', async () => {
    await product('HOT-1', 50);
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) =>
        inventory().reservations.reserve({ sku: 'hot-1', qty: 1, actor: 'buyer', idempotencyKey: `hot:${i}` }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(50);
    const refusals = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refusals.every((r) => r.reason instanceof AppError && r.reason.code === 'insufficient_stock')).toBe(true);
    expect(await inventory().stock.get('HOT-1')).toMatchObject({ total: 50, reserved: 50, sold: 0, available: 0 });
    expect(await inventory().verify()).toEqual([]);
  });

  it('makes a retried change with the same key a no-op', async () => {
    await product('IDEM-1', 5);
    const once = { actor: 'staff', key: 'chat:telegram:1:555' };
    expect((await inventory().stock.receive('IDEM-1', 3, once)).total).toBe(8);
    expect((await inventory().stock.receive('IDEM-1', 3, once)).total).toBe(8);
    await Promise.all(
      [1, 2, 3].map(() => inventory().stock.receive('IDEM-1', 2, { actor: 'staff', key: 'chat:telegram:1:556' })),
    );
    expect((await inventory().stock.get('IDEM-1'))?.total).toBe(10);
    const ledger = await database().db.execute(
      sql`select count(*)::int as n from stock_ledger l join products p on p.id = l.product_id where p.sku = 'IDEM-1'`,
    );
    expect(ledger[0]?.n).toBe(3);
  });

  it('refuses to remove or count below what is reserved and sold, changing nothing', async () => {
    await product('FLOOR-1', 10);
    await inventory().reservations.reserve({ sku: 'FLOOR-1', qty: 4, actor: 'buyer' });
    expect(await codeOf(inventory().stock.remove('FLOOR-1', 7, origin()))).toBe('error.insufficient_stock');
    expect(await codeOf(inventory().stock.count('FLOOR-1', 3, origin()))).toBe('stock.count_below_committed');
    expect(await inventory().stock.get('FLOOR-1')).toMatchObject({ total: 10, reserved: 4, available: 6 });
  });

  it('rejects a direct SQL write that would oversell, through the CHECK constraints', async () => {
    await product('CHECK-1', 3);
    const id = (await inventory().stock.get('CHECK-1'))?.productId;
    expect(
      await postgresRefusal(database().db.execute(sql`update stock_levels set reserved = 4 where product_id = ${id}`)),
    ).toMatch(/stock_levels_no_oversell/);
    expect(
      await postgresRefusal(database().db.execute(sql`update stock_levels set sold = -1 where product_id = ${id}`)),
    ).toMatch(/stock_levels_sold/);
    expect(
      await postgresRefusal(
        database().db.execute(sql`update stock_levels set total = 2, sold = 3 where product_id = ${id}`),
      ),
    ).toMatch(/check constraint/);
    expect(await inventory().stock.get('CHECK-1')).toMatchObject({ total: 3, reserved: 0, sold: 0 });
  });

  it('keeps the ledger append-only', async () => {
    expect(await postgresRefusal(database().db.execute(sql`delete from stock_ledger`))).toMatch(
      /append-only \(DELETE refused\)/,
    );
    expect(await postgresRefusal(database().db.execute(sql`update stock_ledger set delta_total = 0`))).toMatch(
      /append-only \(UPDATE refused\)/,
    );
  });

  it('never deletes a product, so the reservations and ledger rows naming it always resolve', async () => {
    await product('KEEP-1', 2);
    await inventory().reservations.reserve({ sku: 'KEEP-1', qty: 1, actor: 'buyer' });
    expect(await postgresRefusal(database().db.execute(sql`delete from products where sku = 'KEEP-1'`))).toMatch(
      /archived, never deleted \(DELETE refused\)/,
    );
    expect(await postgresRefusal(database().db.execute(sql`truncate products cascade`))).toMatch(/TRUNCATE refused/);
    expect(await inventory().stock.get('KEEP-1')).toMatchObject({ reserved: 1 });
  });

  it('sends one low-stock alert per crossing, none while it stays low, and again after it recovers', async () => {
    await product('LOW-1', 10, 5);
    const forLow = () => alerts.filter((a) => a.sku === 'LOW-1');
    await inventory().stock.remove('LOW-1', 5, origin());
    expect(forLow()).toHaveLength(0);
    await inventory().stock.remove('LOW-1', 1, origin());
    expect(forLow()).toEqual([
      { productId: expect.any(Number), sku: 'LOW-1', title: 'Product LOW-1', available: 4, threshold: 5 },
    ]);
    await inventory().stock.remove('LOW-1', 1, origin());
    await inventory().reservations.reserve({ sku: 'LOW-1', qty: 2, actor: 'buyer' });
    expect(forLow()).toHaveLength(1);
    await inventory().stock.receive('LOW-1', 10, origin());
    await inventory().stock.remove('LOW-1', 10, origin());
    expect(forLow()).toHaveLength(2);
  });
});

describe('reservations', () => {
  it('returns the same reservation for the same idempotency key and reserves once', async () => {
    await product('KEY-1', 10);
    const request = { sku: 'KEY-1', qty: 2, actor: 'shop', idempotencyKey: 'api:1:order-77' };
    const [a, b] = await Promise.all([
      inventory().reservations.reserve(request),
      inventory().reservations.reserve(request),
    ]);
    expect(a.reservation.id).toBe(b.reservation.id);
    expect([a.replayed, b.replayed].sort()).toEqual([false, true]);
    expect((await inventory().stock.get('KEY-1'))?.reserved).toBe(2);
    expect(await codeOf(inventory().reservations.reserve({ ...request, qty: 3 }))).toBe('reservation.key_reused');
  });

  it('counts an overdue reservation as released before the job runs, and expires it when stock is needed', async () => {
    await product('TTL-1', 5);
    const { reservation } = await inventory().reservations.reserve({
      sku: 'TTL-1',
      qty: 5,
      ttlSeconds: 60,
      actor: 'shop',
    });
    expect((await inventory().stock.get('TTL-1'))?.available).toBe(0);
    clock.advance(61_000);
    expect(await inventory().stock.get('TTL-1')).toMatchObject({ reserved: 0, available: 5 });
    const next = await inventory().reservations.reserve({ sku: 'TTL-1', qty: 3, actor: 'shop' });
    expect(next.reservation.status).toBe('pending');
    expect((await inventory().reservations.get({ id: reservation.id }))?.status).toBe('expired');
    expect(await inventory().verify()).toEqual([]);
  });

  it('refuses to commit after expiry with a conflict, and the units come back', async () => {
    await product('LATE-1', 2);
    const { reservation } = await inventory().reservations.reserve({
      sku: 'LATE-1',
      qty: 2,
      ttlSeconds: 30,
      actor: 'shop',
    });
    clock.advance(31_000);
    expect(await codeOf(inventory().reservations.commit({ id: reservation.id }, 'shop'))).toBe('reservation.expired');
    expect((await inventory().reservations.get({ id: reservation.id }))?.status).toBe('expired');
    const [row] = await database().db.execute(
      sql`select s.reserved from stock_levels s join products p on p.id = s.product_id where p.sku = 'LATE-1'`,
    );
    expect(row?.reserved).toBe(0);
    expect(await inventory().stock.get('LATE-1')).toMatchObject({ reserved: 0, sold: 0, available: 2 });
    expect(await codeOf(inventory().reservations.commit({ id: reservation.id }, 'shop'))).toBe('reservation.expired');
  });

  it('lets exactly one of a commit and an expiry win when they race', async () => {
    for (let round = 0; round < 10; round++) {
      const sku = `RACE-${round}`;
      await product(sku, 1);
      const { reservation } = await inventory().reservations.reserve({ sku, qty: 1, ttlSeconds: 30, actor: 'shop' });
      clock.advance(29_999);
      const racing = Promise.allSettled([
        inventory().reservations.commit({ id: reservation.id }, 'shop'),
        (async () => {
          clock.advance(1);
          return inventory().reservations.expireOverdue();
        })(),
      ]);
      await racing;
      const final = await inventory().stock.get(sku);
      const status = (await inventory().reservations.get({ id: reservation.id }))?.status;
      expect(['committed', 'expired']).toContain(status);
      expect(final).toMatchObject(
        status === 'committed' ? { sold: 1, reserved: 0, available: 0 } : { sold: 0, reserved: 0, available: 1 },
      );
    }
    expect(await inventory().verify()).toEqual([]);
  });

  it('commits and releases idempotently, and never releases a sale', async () => {
    await product('LIFE-1', 4);
    const { reservation: sale } = await inventory().reservations.reserve({ sku: 'LIFE-1', qty: 1, actor: 'shop' });
    expect((await inventory().reservations.commit({ id: sale.id }, 'shop')).value.status).toBe('committed');
    expect((await inventory().reservations.commit({ id: sale.id }, 'shop')).changed).toBe(false);
    expect(await codeOf(inventory().reservations.release({ id: sale.id }, 'shop'))).toBe('reservation.committed');
    const { reservation: hold } = await inventory().reservations.reserve({ sku: 'LIFE-1', qty: 2, actor: 'shop' });
    expect((await inventory().reservations.release({ id: hold.id }, 'shop')).value.status).toBe('released');
    expect((await inventory().reservations.release({ id: hold.id }, 'shop')).changed).toBe(false);
    expect(await codeOf(inventory().reservations.commit({ id: hold.id }, 'shop'))).toBe('reservation.released_already');
    expect(await inventory().stock.get('LIFE-1')).toMatchObject({ total: 4, reserved: 0, sold: 1, available: 3 });
  });

  it('expires overdue reservations across products in batches', async () => {
    await product('BATCH-A', 10);
    await product('BATCH-B', 10);
    for (let i = 0; i < 7; i++)
      await inventory().reservations.reserve({
        sku: i % 2 ? 'BATCH-A' : 'BATCH-B',
        qty: 1,
        ttlSeconds: 30,
        actor: 'shop',
      });
    clock.advance(31_000);
    expect(await inventory().reservations.expireOverdue(3)).toBeGreaterThanOrEqual(7);
    expect((await inventory().stock.get('BATCH-A'))?.reserved).toBe(0);
    expect(await inventory().verify()).toEqual([]);
  });

  it('rejects bad input before touching anything', async () => {
    await product('BAD-1', 1);
    for (const qty of [0, -1, 1.5, 2_000_000]) {
      expect(await codeOf(inventory().reservations.reserve({ sku: 'BAD-1', qty, actor: 'x' }))).toBe(
        'stock.bad_quantity',
      );
    }
    expect(await codeOf(inventory().reservations.reserve({ sku: 'NOPE', qty: 1, actor: 'x' }))).toBe(
      'product.not_found',
    );
    expect(await codeOf(inventory().reservations.reserve({ sku: 'BAD-1', qty: 1, ttlSeconds: 5, actor: 'x' }))).toBe(
      'reservation.bad_ttl',
    );
    expect(
      await codeOf(inventory().reservations.reserve({ sku: "x'; drop table products; --", qty: 1, actor: 'x' })),
    ).toBe('stock.bad_sku');
    expect(await inventory().stock.get('BAD-1')).toMatchObject({ reserved: 0, available: 1 });
  });
});

describe('consistency check', () => {
  it('reports a product whose levels disagree with its ledger', async () => {
    await product('DRIFT-1', 3);
    expect((await inventory().verify()).map((d) => d.sku)).not.toContain('DRIFT-1');
    await database().db.execute(
      sql`update stock_levels set total = total + 1 from products p where p.id = product_id and p.sku = 'DRIFT-1'`,
    );
    expect(await inventory().verify()).toContainEqual(
      expect.objectContaining({
        sku: 'DRIFT-1',
        levels: expect.objectContaining({ total: 4 }),
        ledger: expect.objectContaining({ total: 3 }),
      }),
    );
    await database().db.execute(
      sql`update stock_levels set total = total - 1 from products p where p.id = product_id and p.sku = 'DRIFT-1'`,
    );
  });
});

describe('low-stock alerts on the reservation fast path', () => {
  it('alerts once when a reservation crosses the threshold, and the sweep finds an alert a crash skipped', async () => {
    await product('FAST-1', 6, 5);
    const forFast = () => alerts.filter((a) => a.sku === 'FAST-1');
    await inventory().reservations.reserve({ sku: 'FAST-1', qty: 1, actor: 'shop' });
    expect(forFast()).toHaveLength(0);
    await Promise.all([1, 2, 3].map(() => inventory().reservations.reserve({ sku: 'FAST-1', qty: 1, actor: 'shop' })));
    expect(forFast()).toHaveLength(1);
    await inventory().stock.receive('FAST-1', 10, origin());
    // As if the process died between the hold and its alert: levels low, flag never set.
    await database().db.execute(
      sql`update stock_levels set reserved = reserved + 12 from products p where p.id = product_id and p.sku = 'FAST-1'`,
    );
    expect(forFast()).toHaveLength(1);
    expect(await inventory().reservations.sweepLowStock()).toBe(1);
    expect(forFast()).toHaveLength(2);
    expect(await inventory().reservations.sweepLowStock()).toBe(0);
  });
});
