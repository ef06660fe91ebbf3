// Etsy from chat against the Etsy fake (a real HTTP server validating Etsy's own spec) over a real database:
// connect with PKCE and a one-time state, sealed tokens, refresh under a lock, a broken connection told once,
// then the sync (listings → products and stock through the ledger, receipts → sales) and the push back.
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRows } from '../../db/raw.ts';
import { createEtsyFake, type EtsyFake } from '../../test/fakes/etsy/index.ts';
import { createConversation } from '../../test/helpers/conversation.ts';
import { useTestDatabase } from '../../test/helpers/database.ts';
import { manualClock } from '../clock.ts';

const database = useTestDatabase();
const clock = manualClock('2026-03-01T10:00:00Z');
const PUBLIC = 'https://tienda.example';
let fake: EtsyFake;
let chat: Awaited<ReturnType<typeof createConversation>>;

beforeAll(async () => {
  fake = await createEtsyFake({ clock, listings: 12, receipts: 10, redirectUris: [`${PUBLIC}/oauth/etsy/callback`] });
  chat = await createConversation(database(), {
    clock,
    env: {
      ETSY_API_KEY: fake.keystring,
      ETSY_SHARED_SECRET: fake.sharedSecret,
      ETSY_API_BASE: fake.url,
      ETSY_OAUTH_BASE: fake.url,
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      PUBLIC_URL: PUBLIC,
    },
  });
});

afterAll(async () => {
  await chat?.core.close();
  await fake?.close();
});

/** Follows the link as the seller's browser would: Etsy approves and redirects to the callback. */
async function approve(line = '/conectar etsy') {
  const said = await chat.say(line);
  const url = said.text.match(/https?:\/\/\S+/)?.[0];
  if (!url) throw new Error(`no link in: ${said.text}`);
  const answer = await fetch(url, { redirect: 'manual' });
  const back = new URL(answer.headers.get('location') ?? '');
  return { said, url: new URL(url), back };
}

const query = (back: URL) => ({
  state: back.searchParams.get('state') ?? undefined,
  code: back.searchParams.get('code') ?? undefined,
  error: back.searchParams.get('error') ?? undefined,
});

async function outboxTexts(): Promise<string[]> {
  const rows = await rawRows<{ reply: { blocks: Array<{ spans?: unknown[] }> } }>(
    database().db,
    sql`select reply from outbox order by id`,
  );
  return rows.map((row) => JSON.stringify(row.reply));
}

const ledgerCount = async () =>
  Number((await rawRows<{ n: string }>(database().db, sql`select count(*) as n from stock_ledger`))[0]?.n);

describe('connecting an Etsy shop from chat', () => {
  it('refuses a bad state and a reused one, changing nothing', async () => {
    const { back } = await approve();
    expect(await chat.core.services.shops.finish({ state: 'forged', code: 'x' })).toEqual({ outcome: 'bad_state' });
    expect(await chat.core.services.shops.list()).toEqual([]);
    expect(back.searchParams.get('code')).toBeTruthy();
  });

  it('an expired link gets a clear page and changes nothing', async () => {
    const { back } = await approve();
    clock.advance(11 * 60 * 1000);
    expect(await chat.core.services.shops.finish(query(back))).toEqual({ outcome: 'expired' });
    expect(await chat.core.services.shops.list()).toEqual([]);
  });

  it('asks with PKCE S256, a state and the four scopes, then connects and tells the chat "Conectado"', async () => {
    const { url, back } = await approve();
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('scope')).toBe('listings_r listings_w transactions_r shops_r');
    expect(url.searchParams.get('redirect_uri')).toBe(`${PUBLIC}/oauth/etsy/callback`);
    const outcome = await chat.core.services.shops.finish(query(back));
    expect(outcome).toEqual({ outcome: 'connected', shopName: 'TallerBodega', locale: 'es' });
    expect((await outboxTexts()).some((text) => text.includes('Conectado: TallerBodega'))).toBe(true);
    // A second use of the same state is refused.
    expect(await chat.core.services.shops.finish(query(back))).toEqual({ outcome: 'bad_state' });
    const stored = await rawRows<{ access_token: string; refresh_token: string }>(
      database().db,
      sql`select access_token, refresh_token from shop_connections`,
    );
    expect(stored[0]?.access_token).toMatch(/^v1\./);
    expect(stored[0]?.access_token).not.toContain(String(fake.ownerUserId));
    expect((await chat.say('/tiendas')).text).toContain('Etsy · TallerBodega');
  });

  it('is for admins only', async () => {
    const invite = await chat.say('/invitar personal');
    const code = invite.text.match(/[A-Z0-9]{4,}-[A-Z0-9-]+|[A-Z0-9]{8,}/)?.[0] ?? '';
    await chat.say(`/inicio ${code}`, { identity: 'telegram:200' });
    const refused = await chat.say('/conectar etsy', { identity: 'telegram:200' });
    expect(refused.error).toBe(true);
  });
});

describe('syncing the shop', () => {
  it('imports every listing variation as a product with Etsy’s stock through the ledger, and receipts as sales', async () => {
    const result = await chat.core.services.shops.sync({ trigger: 'command' });
    expect(result[0]?.error).toBeUndefined();
    const listings = fake.listings();
    const variations = listings.flatMap((record) => record.inventory.products);
    const products = await rawRows<{
      sku: string;
      title: string;
      price_minor: string;
      available: number;
      currency: string;
    }>(
      database().db,
      sql`select p.sku, p.title, p.price_minor, p.currency, s.available from products p join stock_levels s on s.product_id = p.id`,
    );
    expect(products).toHaveLength(variations.length);
    const first = listings[0]!;
    const sku = first.inventory.products[0]!.sku.toUpperCase();
    const product = products.find((row) => row.sku === sku);
    expect(product).toMatchObject({
      title: first.listing.title,
      currency: 'USD',
      price_minor: String(first.inventory.products[0]!.offerings[0]!.price.amount),
      available: first.inventory.products[0]!.offerings[0]!.quantity,
    });
    const noSku = listings[1]!;
    expect(products.some((row) => row.sku === `ETSY-${noSku.listing.listing_id}`)).toBe(true);
    const sales = await rawRows<{ n: string }>(
      database().db,
      sql`select count(*) as n from sales where source = 'etsy'`,
    );
    expect(Number(sales[0]?.n)).toBeGreaterThan(0);
    const reasons = await rawRows<{ reason: string }>(database().db, sql`select distinct reason from stock_ledger`);
    expect(reasons.map((row) => row.reason)).toContain('sync');
    expect(await chat.core.services.inventory.verify()).toEqual([]);
  });

  it('a second run with nothing new changes nothing and writes no ledger rows', async () => {
    const before = await ledgerCount();
    clock.advance(60_000);
    const [result] = await chat.core.services.shops.sync({ trigger: 'job' });
    expect(result).toMatchObject({ created: 0, changed: 0, failed: 0 });
    expect(await ledgerCount()).toBe(before);
    expect(fake.calls.filter((call) => call.method !== 'GET')).toEqual([]);
  });

  it('a buyer on Etsy becomes one sale, and the stock stays in step with Etsy', async () => {
    const record = fake.listings().find((candidate) => {
      const first = candidate.inventory.products[0]!;
      return first.sku !== '' && first.offerings[0]!.quantity >= 3;
    })!;
    fake.buy({ listingId: record.listing.listing_id, quantity: 2 });
    clock.advance(60_000);
    const [result] = await chat.core.services.shops.sync({ trigger: 'job' });
    expect(result).toMatchObject({ created: 1, failed: 0 });
    const sku = record.inventory.products[0]!.sku;
    const stock = await chat.core.services.inventory.stock.get(sku);
    expect(stock?.available).toBe(
      fake.listing(record.listing.listing_id)!.inventory.products[0]!.offerings[0]!.quantity,
    );
    expect(stock?.sold).toBeGreaterThanOrEqual(2);
    expect(await chat.core.services.inventory.verify()).toEqual([]);
  });

  it('a receipt Etsy ships ends its sale as shipped; one Etsy cancels gives the units back, as the ledger allows', async () => {
    const records = fake.listings().filter((candidate) => {
      const first = candidate.inventory.products[0]!;
      return first.sku !== '' && first.offerings[0]!.quantity >= 2;
    });
    const shipped = fake.buy({ listingId: records[0]!.listing.listing_id });
    const cancelled = fake.buy({ listingId: records[1]!.listing.listing_id });
    clock.advance(60_000);
    await chat.core.services.shops.sync({ trigger: 'job' });
    const sku = records[1]!.inventory.products[0]!.sku;
    const sold = await chat.core.services.inventory.stock.get(sku);
    fake.setReceiptStatus(shipped.receipt_id, 'completed');
    fake.setReceiptStatus(cancelled.receipt_id, 'canceled');
    clock.advance(60_000);
    const [result] = await chat.core.services.shops.sync({ trigger: 'job' });
    expect(result).toMatchObject({ failed: 0 });
    const statuses = await rawRows<{ external_ref: string; status: string }>(
      database().db,
      sql`select external_ref, status from sales where external_ref in (${String(shipped.receipt_id)}, ${String(cancelled.receipt_id)}) order by external_ref`,
    );
    expect(Object.fromEntries(statuses.map((row) => [row.external_ref, row.status]))).toEqual({
      [String(shipped.receipt_id)]: 'shipped',
      [String(cancelled.receipt_id)]: 'cancelled',
    });
    // Etsy does not restock a cancelled order by itself, so bodega follows Etsy's quantity after giving the unit back.
    const after = await chat.core.services.inventory.stock.get(sku);
    expect(after?.sold).toBe((sold?.sold ?? 0) - 1);
    expect(after?.available).toBe(
      fake.listing(records[1]!.listing.listing_id)!.inventory.products[0]!.offerings[0]!.quantity,
    );
    expect(await chat.core.services.inventory.verify()).toEqual([]);
  });

  it('a local /stock fijar reaches Etsy with the whole products array, variations kept', async () => {
    const record = fake.listings().find((candidate) => candidate.inventory.products.length === 4)!;
    const target = record.inventory.products[1]!;
    const before = await chat.core.services.inventory.stock.get(target.sku);
    const said = await chat.say(`/stock agregar ${target.sku} 5`);
    expect(said.error).toBe(false);
    expect(await chat.core.services.shops.push()).toBe(1);
    const after = fake.listing(record.listing.listing_id)!;
    expect(after.inventory.products).toHaveLength(4);
    expect(after.inventory.products.map((item) => item.property_values.length)).toEqual([2, 2, 2, 2]);
    const pushed = after.inventory.products.find((item) => item.sku === target.sku)!;
    expect(pushed.offerings[0]!.quantity).toBe((before?.available ?? 0) + 5);
    // Nothing more to send, and the next sync does not echo it back.
    expect(await chat.core.services.shops.push()).toBe(0);
    const ledger = await ledgerCount();
    clock.advance(60_000);
    await chat.core.services.shops.sync({ trigger: 'job' });
    expect(await ledgerCount()).toBe(ledger);
  });

  it('an access token that expires mid-sync is refreshed (the new refresh token kept) and the sync finishes', async () => {
    const issued = fake.oauth.issued;
    fake.oauth.expireAccessTokensAfter(1);
    clock.advance(60_000);
    const [result] = await chat.core.services.shops.sync({ trigger: 'job' });
    expect(result?.error).toBeUndefined();
    expect(fake.oauth.issued).toBe(issued + 1);
  });

  it('two refreshes at once make one call to Etsy', async () => {
    fake.oauth.expireAccessTokens();
    clock.advance(2 * 3600 * 1000);
    const issued = fake.oauth.issued;
    await Promise.all([
      chat.core.services.shops.sync({ trigger: 'job' }).catch(() => undefined),
      chat.core.services.shops.push(),
    ]);
    expect(fake.oauth.issued).toBe(issued + 1);
  });

  it('a revoked refresh token marks the connection broken and tells the admins once', async () => {
    fake.oauth.revoke(fake.ownerUserId);
    clock.advance(2 * 3600 * 1000);
    const before = (await outboxTexts()).filter((text) => text.includes('dejó de funcionar')).length;
    await expect(chat.core.services.shops.sync({ trigger: 'command' })).rejects.toMatchObject({
      reason: 'shops.etsyUnauthorized',
    });
    const [shop] = await chat.core.services.shops.list();
    expect(shop?.status).toBe('broken');
    expect(await chat.core.services.shops.sync({ trigger: 'job' })).toEqual([]);
    const after = (await outboxTexts()).filter((text) => text.includes('dejó de funcionar')).length;
    expect(after - before).toBe(1);
    const shops = (await chat.say('/tiendas')).text;
    expect(shops).toContain('/conectar etsy');
    // The last run's failure in the seller's words, not the developer message kept for operators.
    expect(shops).toContain('falló: Etsy no aceptó la conexión de la tienda.');
  });

  it('/desconectar etsy removes the connection, keeping products and sales', async () => {
    const said = await chat.say('/desconectar etsy');
    expect(said.text).toContain('Desconectada: TallerBodega');
    expect(await chat.core.services.shops.list()).toEqual([]);
    expect(await chat.core.services.inventory.verify()).toEqual([]);
  });
});
