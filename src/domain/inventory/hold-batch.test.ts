import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { isInvalidText } from '../../../db/errors.ts';
import { useTestDatabase } from '../../../test/helpers/database.ts';
import { manualClock } from '../../clock.ts';
import { AppError } from '../../errors.ts';
import { createInventory, type LowStockAlert, type ReserveRequest } from './index.ts';

const database = useTestDatabase({ poolSize: 20 });
const clock = manualClock('2026-05-01T12:00:00Z');
const alerts: LowStockAlert[] = [];
const batches: number[] = [];
let inventory: ReturnType<typeof createInventory> | undefined;
/** One inventory for the whole file, as bodega start has: its reservations share batches. */
const shop = () => {
  inventory ??= createInventory({
    db: database().db,
    clock,
    notify: async (_tx, alert) => void alerts.push(alert),
    onHoldBatch: (size) => batches.push(size),
  });
  return inventory;
};

async function product(sku: string, stock: number, threshold = 0) {
  await shop().products.add(
    { sku, title: `Product ${sku}`, priceMinor: 500, currency: 'MXN', stock, threshold },
    { actor: 'test', key: `seed:${sku}` },
  );
}

/** Each request's answer: its reservation id, or the reason it was refused. */
async function reserveAll(requests: ReserveRequest[]) {
  batches.length = 0;
  const settled = await Promise.allSettled(requests.map((request) => shop().reservations.reserve(request)));
  return settled.map((result) => {
    if (result.status === 'fulfilled') return { ok: result.value.reservation, replayed: result.value.replayed };
    if (result.reason instanceof AppError) return { refused: result.reason.reason, details: result.reason.details };
    return { failed: isInvalidText(result.reason) ? 'invalid_text' : String(result.reason) };
  });
}

async function ledgerOf(sku: string) {
  return database().db.execute(sql`
    select l.delta_reserved, l.reserved_after, l.total_after from stock_ledger l join products p on p.id = l.product_id
    where p.sku = ${sku} and l.reason = 'reserve' order by l.id`);
}

describe('reservations arriving together', () => {
  it('share one statement, granted in arrival order while the running sum fits, each with its own rows', async () => {
    await product('FLASH-B', 5);
    const answers = await reserveAll(
      Array.from({ length: 8 }, (_, i) => ({ sku: 'FLASH-B', qty: 1, actor: `buyer${i}`, idempotencyKey: `f:${i}` })),
    );
    expect(batches).toEqual([8]);
    expect(answers.slice(0, 5).every((a) => 'ok' in a)).toBe(true);
    expect(answers.slice(5)).toEqual(
      Array.from({ length: 3 }, () => ({ refused: 'error.insufficient_stock', details: { available: 0 } })),
    );
    const ids = answers.flatMap((a) => ('ok' in a && a.ok ? [a.ok.id] : []));
    expect(new Set(ids).size).toBe(5);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(await ledgerOf('FLASH-B')).toEqual(
      [1, 2, 3, 4, 5].map((reserved) => ({ delta_reserved: 1, reserved_after: reserved, total_after: 5 })),
    );
    expect(await shop().stock.get('FLASH-B')).toMatchObject({ reserved: 5, available: 0 });
    expect(await shop().verify()).toEqual([]);
  });

  it('fails only the requests that are wrong, and their neighbours in the batch still reserve', async () => {
    await product('MIX-A', 10);
    await product('MIX-B', 3);
    await shop().reservations.reserve({ sku: 'MIX-A', qty: 1, actor: 'early', idempotencyKey: 'mix:used' });
    const answers = await reserveAll([
      { sku: 'MIX-A', qty: 2, actor: 'a', idempotencyKey: 'mix:1' },
      { sku: 'NO-SUCH', qty: 1, actor: 'b', idempotencyKey: 'mix:2' },
      { sku: 'MIX-A', qty: 5, actor: 'c', idempotencyKey: 'mix:used' },
      { sku: 'MIX-B', qty: 4, actor: 'd', idempotencyKey: 'mix:3' },
      { sku: 'MIX-B', qty: 3, actor: 'e', idempotencyKey: 'mix:4' },
      { sku: 'MIX-A', qty: 1, actor: 'f', idempotencyKey: 'mix:used' },
    ]);
    expect(batches[0]).toBe(5);
    expect(answers.map((a) => ('ok' in a ? (a.replayed ? 'replayed' : 'held') : a.refused))).toEqual([
      'held',
      'product.not_found',
      'reservation.key_reused',
      'error.insufficient_stock',
      'held',
      'replayed',
    ]);
    expect(await shop().stock.get('MIX-A')).toMatchObject({ reserved: 3, available: 7 });
    expect(await shop().stock.get('MIX-B')).toMatchObject({ reserved: 3, available: 0 });
    expect(await shop().verify()).toEqual([]);
  });

  it('keeps the others when one request makes the whole statement fail', async () => {
    await product('NUL-1', 10);
    const answers = await reserveAll(
      Array.from({ length: 6 }, (_, i) => ({
        sku: 'NUL-1',
        qty: 1,
        actor: 'buyer',
        idempotencyKey: `nul:${i}`,
        reference: i === 2 ? 'order\u0000 2' : `order ${i}`,
      })),
    );
    expect(batches).toEqual([6]);
    expect(answers.filter((a) => 'ok' in a)).toHaveLength(5);
    expect(answers[2]).toEqual({ failed: 'invalid_text' });
    expect(await shop().stock.get('NUL-1')).toMatchObject({ reserved: 5, available: 5 });
    const [pending] = await database().db.execute(
      sql`select count(*)::int as n from reservations r join products p on p.id = r.product_id where p.sku = 'NUL-1'`,
    );
    expect(pending?.n).toBe(5);
    expect(await shop().verify()).toEqual([]);
  });

  it('grants a small request that a larger one ranked before it could not use', async () => {
    await product('BIG-1', 4);
    const answers = await reserveAll([
      { sku: 'BIG-1', qty: 6, actor: 'a' },
      { sku: 'BIG-1', qty: 3, actor: 'b' },
      { sku: 'BIG-1', qty: 2, actor: 'c' },
    ]);
    expect(answers.map((a) => ('ok' in a ? a.ok?.qty : a.refused))).toEqual([
      'error.insufficient_stock',
      3,
      'error.insufficient_stock',
    ]);
    expect(await shop().stock.get('BIG-1')).toMatchObject({ reserved: 3, available: 1 });
  });

  it('expires overdue holds for a request the batch found short, and alerts once on crossing the threshold', async () => {
    await product('DUE-1', 4, 3);
    await shop().reservations.reserve({ sku: 'DUE-1', qty: 4, ttlSeconds: 30, actor: 'early' });
    expect(alerts.filter((a) => a.sku === 'DUE-1')).toHaveLength(1);
    clock.advance(31_000);
    const answers = await reserveAll([
      { sku: 'DUE-1', qty: 1, actor: 'a' },
      { sku: 'DUE-1', qty: 1, actor: 'b' },
    ]);
    expect(answers.every((a) => 'ok' in a)).toBe(true);
    expect(await shop().stock.get('DUE-1')).toMatchObject({ reserved: 2, available: 2 });
    expect(alerts.filter((a) => a.sku === 'DUE-1')).toHaveLength(2);
    expect(await shop().verify()).toEqual([]);
  });
});
