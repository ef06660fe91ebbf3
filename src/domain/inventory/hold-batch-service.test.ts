import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../test/helpers/database.ts';
import { manualClock } from '../../clock.ts';
import { AppError } from '../../errors.ts';
import { createInventory } from './index.ts';

const database = useTestDatabase({ poolSize: 20 });
const clock = manualClock('2026-05-01T12:00:00Z');
let shop: ReturnType<typeof createInventory> | undefined;
/** One inventory for the file, so concurrent calls share its batcher as a running bodega's do. */
const inventory = () => {
  shop ??= createInventory({ db: database().db, batchDb: database().batchDb, clock });
  return shop;
};

async function outcome(promise: Promise<{ reservation: { publicId: string }; replayed: boolean }>) {
  try {
    const { reservation, replayed } = await promise;
    return replayed ? `replayed ${reservation.publicId}` : 'held';
  } catch (error) {
    if (error instanceof AppError) return error.reason;
    throw error;
  }
}

const reserve = (sku: string, qty: number, idempotencyKey?: string, reference?: string) =>
  outcome(inventory().reservations.reserve({ sku, qty, actor: 'test', idempotencyKey, reference }));

describe('reservations granted together', () => {
  it('fails only the bad requests of a batch: each neighbour still gets its hold, and the books balance', async () => {
    for (const [sku, stock] of [
      ['BATCH-A', 5],
      ['BATCH-B', 2],
    ] as const) {
      await inventory().products.add(
        { sku, title: sku, priceMinor: 100, currency: 'MXN', stock },
        { actor: 'test', key: `seed:${sku}` },
      );
    }
    const earlier = await inventory().reservations.reserve({
      sku: 'BATCH-A',
      qty: 1,
      actor: 'test',
      idempotencyKey: 'k-old',
    });

    // All made in one turn of the event loop, so they reach the database as one batch.
    const answers = await Promise.all([
      reserve('BATCH-A', 1, 'k-1'),
      reserve('NO-SUCH', 1, 'k-2'),
      reserve('BATCH-B', 3, 'k-3'),
      reserve('BATCH-A', 1, 'k-old'),
      reserve('BATCH-A', 2, 'k-old'),
      reserve('BATCH-B', 2, 'k-4'),
      reserve('BATCH-A', 1, 'k-twice', 'first'),
      reserve('BATCH-A', 1, 'k-twice', 'second'),
      reserve('BATCH-A', 1),
    ]);

    expect(answers.slice(0, 6)).toEqual([
      'held',
      'product.not_found',
      'error.insufficient_stock',
      `replayed ${earlier.reservation.publicId}`,
      'reservation.key_reused',
      'held',
    ]);
    // Two requests with one new key: one holds, the other is told the key was used with another body.
    expect([...answers.slice(6, 8)].sort()).toEqual(['held', 'reservation.key_reused']);
    expect(answers[8]).toBe('held');

    const levels = await database().db.execute<{ sku: string; reserved: number; available: number }>(
      sql`select p.sku, s.reserved, s.available from stock_levels s join products p on p.id = s.product_id order by p.sku`,
    );
    expect([...levels]).toEqual([
      { sku: 'BATCH-A', reserved: 4, available: 1 },
      { sku: 'BATCH-B', reserved: 2, available: 0 },
    ]);
    expect(await inventory().verify()).toEqual([]);
  });

  it('grants a hot product in arrival order and refuses exactly what does not fit', async () => {
    await inventory().products.add(
      { sku: 'HOT-ORDER', title: 'Hot', priceMinor: 100, currency: 'MXN', stock: 10 },
      { actor: 'test', key: 'seed:hot-order' },
    );
    const answers = await Promise.all(Array.from({ length: 25 }, (_, i) => reserve('HOT-ORDER', 1, `hot-${i}`)));
    expect(answers.filter((answer) => answer === 'held')).toHaveLength(10);
    expect(answers.filter((answer) => answer === 'error.insufficient_stock')).toHaveLength(15);
    expect(await inventory().verify()).toEqual([]);
  });
});
