import { describe, expect, it } from 'vitest';
import { manualClock } from '../src/clock.ts';
import { createInventory } from '../src/domain/inventory/index.ts';
import { useTestDatabase } from '../test/helpers/database.ts';

const database = useTestDatabase();
const clock = manualClock('2026-05-01T12:00:00Z');
let keys = 0;
const origin = (actor = 'user:1') => ({ actor, key: `test:${++keys}` });

/** The stock_ledger trigger that queues Etsy pushes (0016, skipping its insert when nothing linked changed: 0017). */
describe('the Etsy push queue', () => {
  it('queues the listing of a linked product changed here, once, and nothing for unlinked products or Etsy itself', async () => {
    const { sql } = database();
    const inventory = createInventory({ db: database().db, batchDb: database().batchDb, clock });
    for (const sku of ['LINKED', 'PLAIN'])
      await inventory.products.add({ sku, title: sku, priceMinor: 100, currency: 'MXN', stock: 10 }, origin());
    const queued = async () =>
      (await sql`select listing_id::int as listing from etsy_pushes order by listing_id`).map((row) => row.listing);

    // Nothing is linked yet: changes queue nothing.
    await inventory.reservations.reserve({ sku: 'LINKED', qty: 1, actor: 'user:1' });
    expect(await queued()).toEqual([]);

    const [connection] = await sql`
      insert into shop_connections (shop_id, shop_name, member_id, access_token, refresh_token, access_expires_at,
        chat_platform, chat_id, locale)
      values (1, 'Tienda', 2, 'a', 'r', now(), 'telegram', '1', 'es') returning id`;
    await sql`insert into etsy_links (connection_id, listing_id, variant, product_id)
      select ${connection?.id}, 77, '', id from products where sku = 'LINKED'`;

    await inventory.reservations.reserve({ sku: 'PLAIN', qty: 1, actor: 'user:1' });
    expect(await queued()).toEqual([]);
    await inventory.reservations.reserve({ sku: 'LINKED', qty: 1, actor: 'etsy' });
    expect(await queued()).toEqual([]);
    await inventory.reservations.reserve({ sku: 'LINKED', qty: 1, actor: 'api:web' });
    await inventory.reservations.reserve({ sku: 'LINKED', qty: 2, actor: 'user:1' });
    expect(await queued()).toEqual([77]);

    // Requests arriving together share one statement: one linked row among unlinked and Etsy ones still queues.
    await sql`delete from etsy_pushes`;
    await Promise.all([
      inventory.reservations.reserve({ sku: 'PLAIN', qty: 1, actor: 'user:1' }),
      inventory.reservations.reserve({ sku: 'LINKED', qty: 1, actor: 'etsy' }),
    ]);
    expect(await queued()).toEqual([]);
    await Promise.all([
      inventory.reservations.reserve({ sku: 'PLAIN', qty: 1, actor: 'user:1' }),
      inventory.reservations.reserve({ sku: 'LINKED', qty: 1, actor: 'api:web' }),
    ]);
    expect(await queued()).toEqual([77]);
  });
});
