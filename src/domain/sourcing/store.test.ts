import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../test/helpers/database.ts';
import { markUnavailable, rememberItems } from './store.ts';
import type { SupplierItem } from './types.ts';

const database = useTestDatabase();

const item = (id: string, minor: number): SupplierItem => ({
  source: 'aliexpress',
  externalId: id,
  title: `item ${id}`,
  price: { minor, currency: 'USD' },
  shippingTags: ['Free shipping'],
  url: `https://www.aliexpress.com/item/${id}.html`,
});

async function history(id: string) {
  const rows = await database().sql`
    select h.price_minor, h.available from supplier_price_history h join supplier_products p on p.id = h.supplier_product_id
    where p.external_id = ${id} order by h.id`;
  return rows.map((row) => [Number(row.price_minor), row.available]);
}

describe('rememberItems', () => {
  it('keeps one row per product, answers ids in the order given, and the last sighting in a batch wins', async () => {
    const ids = await rememberItems(database().db, [
      item('1005000000000101', 500),
      item('1005000000000102', 700),
      item('1005000000000101', 450),
    ]);
    expect(ids[0]).toBe(ids[2]);
    expect(ids[1]).not.toBe(ids[0]);
    const [row] = await database()
      .sql`select price_minor, shipping_tags from supplier_products where id = ${ids[0] as number}`;
    expect(row).toEqual({ price_minor: '450', shipping_tags: ['Free shipping'] });
    expect(await history('1005000000000101')).toEqual([[450, true]]);
  });

  it('adds history only when the price or availability changes', async () => {
    const db = database().db;
    await rememberItems(db, [item('1005000000000103', 900)]);
    await rememberItems(db, [item('1005000000000103', 900)]);
    await rememberItems(db, [item('1005000000000103', 850)]);
    const [id] = await rememberItems(db, [item('1005000000000103', 850)]);
    await markUnavailable(db, id as number);
    await markUnavailable(db, id as number);
    await rememberItems(db, [item('1005000000000103', 850)]);
    expect(await history('1005000000000103')).toEqual([
      [900, true],
      [850, true],
      [850, false],
      [850, true],
    ]);
    expect(await rememberItems(db, [])).toEqual([]);
  });
});
