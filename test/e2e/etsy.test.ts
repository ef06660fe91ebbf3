// Etsy end to end: a real `bodega start` and `bodega run` against the Etsy fake (Etsy's own spec, real OAuth with
// PKCE, rate-limit headers, signed webhooks), from /conectar etsy to `bodega stock verify`.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createEtsyFake } from '../fakes/etsy/index.ts';
import { databaseOfRunning, freePort, runBodega, startBodegaProcess, useTempDataDirs } from '../helpers/cli.ts';

const freshDataDir = useTempDataDirs();

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('Etsy from chat through the CLI, against the Etsy fake', () => {
  it('connects, imports 250 listings and the receipts, stays still on a second run, pushes /stock fijar back with every variation, records ORDER_PAID once, refuses a forged one, refreshes mid-sync, waits out a 429, and verifies clean', {
    timeout: 240_000,
  }, async () => {
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    const fake = await createEtsyFake({
      listings: 250,
      receipts: 10,
      redirectUris: [`${publicUrl}/oauth/etsy/callback`],
    });
    const dataDir = await freshDataDir();
    const etsyEnv = {
      ETSY_API_KEY: fake.keystring,
      ETSY_SHARED_SECRET: fake.sharedSecret,
      ETSY_API_BASE: fake.url,
      ETSY_OAUTH_BASE: fake.url,
      ETSY_WEBHOOK_SECRET: fake.webhooks.secret,
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      PUBLIC_URL: publicUrl,
    };
    const server = await startBodegaProcess({ dataDir, port, env: etsyEnv });
    const env = { ...etsyEnv, DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
    const run = async (line: string) => {
      const result = await runBodega(['run', line], env, { timeoutMs: 120_000 });
      return { ...result, stdout: result.stdout.trim() };
    };
    const db = await databaseOfRunning(dataDir);
    const count = async (table: string) => Number((await db.sql.unsafe(`select count(*) as n from ${table}`))[0]?.n);
    try {
      // Connect: the link, the seller approves on Etsy, the callback page, the chat told.
      const connect = await run('/conectar etsy');
      expect(connect.code).toBe(0);
      const link = connect.stdout.match(/https?:\/\/\S+/)?.[0] ?? '';
      const approved = await fetch(link, { redirect: 'manual' });
      expect(approved.status).toBe(302);
      const callback = await fetch(approved.headers.get('location') ?? '');
      expect([callback.status, await callback.text()]).toEqual([
        200,
        expect.stringContaining('Conectado: TallerBodega'),
      ]);
      const told =
        await db.sql`select reply::text as reply from outbox where reply::text like '%Conectado: TallerBodega%'`;
      expect(told).toHaveLength(1);
      // The same callback again is refused with a clear page, and nothing changes.
      const again = await fetch(approved.headers.get('location') ?? '');
      expect([again.status, await again.text()]).toEqual([400, expect.stringContaining('ya se usó')]);
      expect(await count('shop_connections')).toBe(1);

      // First sync: 250 listings in three pages of 100, with their stock and the receipts.
      const first = await run('/sincronizar');
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/TallerBodega sincronizada: leídos \d+, nuevos \d+/);
      const offsets = fake.calls
        .filter(
          (call) =>
            call.operationId === 'getListingsByShop' && new URLSearchParams(call.query).get('state') === 'active',
        )
        .map((call) => new URLSearchParams(call.query).get('offset'));
      expect(offsets).toEqual(['0', '100', '200']);
      const variations = fake.listings().flatMap((record) => record.inventory.products).length;
      expect(await count('products')).toBe(variations);
      expect(await count('etsy_links')).toBe(variations);
      expect(await count("sales where source = 'etsy'")).toBeGreaterThan(0);

      // Second run: nothing new, nothing changed, no ledger rows.
      const ledger = await count('stock_ledger');
      const second = await run('/sincronizar');
      expect(second.stdout).toMatch(/nuevos 0, cambiados 0, sin cambios \d+, fallidos 0/);
      expect(await count('stock_ledger')).toBe(ledger);
      const [runs] =
        await db.sql`select count(*)::int as n, min(calls_used)::int as calls from sync_runs where status = 'success'`;
      expect(runs).toMatchObject({ n: 2 });
      expect(runs?.calls).toBeGreaterThanOrEqual(4);

      // A local /stock fijar reaches Etsy with the whole products array.
      const listing = fake.listings().find((record) => record.inventory.products.length === 4)!;
      const target = listing.inventory.products[2]!;
      expect((await run(`/stock fijar ${target.sku} 40`)).code).toBe(0);
      expect((await runBodega(['job', 'run', 'push-shops'], env)).code).toBe(0);
      const pushed = fake.listing(listing.listing.listing_id)!;
      expect(pushed.inventory.products).toHaveLength(4);
      expect(pushed.inventory.products.every((item) => item.property_values.length === 2)).toBe(true);
      const level =
        await db.sql`select s.available from stock_levels s join products p on p.id = s.product_id where p.sku = ${target.sku}`;
      expect(pushed.inventory.products.find((item) => item.sku === target.sku)?.offerings[0]?.quantity).toBe(
        level[0]?.available,
      );

      // ORDER_PAID delivered twice records one sale; a forged one changes nothing.
      const bought = fake.listings().find((record) => record.inventory.products[0]!.offerings[0]!.quantity >= 2)!;
      const receipt = fake.buy({ listingId: bought.listing.listing_id });
      const delivery = fake.webhooks.orderPaid(receipt.receipt_id);
      const url = `${server.url}/webhooks/etsy`;
      const sales = await count('sales');
      const forged = await fake.webhooks.send(url, delivery, { badSignature: true });
      expect(forged.status).toBe(401);
      expect((await fake.webhooks.send(url, delivery)).status).toBe(200);
      expect((await fake.webhooks.send(url, delivery)).status).toBe(200);
      expect(
        await until(
          () => count('sales'),
          (n) => n > sales,
        ),
      ).toBe(sales + 1);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(await count('sales')).toBe(sales + 1);
      expect(await count(`sales where external_ref = '${receipt.receipt_id}'`)).toBe(1);
      const unknown = fake.webhooks.orderPaid(receipt.receipt_id, { eventType: 'listing.updated' });
      expect((await fake.webhooks.send(url, unknown)).status).toBe(200);

      // An access token expiring mid-sync is refreshed; a 429 is waited out; the sync finishes.
      fake.oauth.expireAccessTokensAfter(2);
      fake.rateLimit.failNext(1, 1);
      const issued = fake.oauth.issued;
      const third = await run('/sincronizar');
      expect(third.code).toBe(0);
      expect(third.stdout).toContain('TallerBodega sincronizada');
      expect(fake.oauth.issued).toBe(issued + 1);
      expect(fake.rateLimit.refused).toBeGreaterThanOrEqual(1);

      const shops = await run('/tiendas');
      expect(shops.stdout).toContain('Etsy · TallerBodega · conectada');
      const verify = await runBodega(['stock', 'verify'], env);
      expect([verify.code, verify.stderr]).toEqual([0, expect.any(String)]);
    } finally {
      await db.close();
      await server.stop();
      await fake.close();
    }
  });
});
