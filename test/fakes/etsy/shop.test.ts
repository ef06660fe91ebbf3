// The Etsy fake's shop through its API: listings paged with their inventory, inventory pushed back (and refused
// where Etsy refuses it), receipts filtered for a sync, and the changes a test makes as seller or buyer.
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../../src/clock.ts';
import { createEtsyFake, type EtsyFake, type Inventory } from './index.ts';

let fake: EtsyFake;
let clock: ReturnType<typeof manualClock>;
let headers: Record<string, string>;

beforeAll(async () => {
  clock = manualClock('2026-03-01T10:00:00Z');
  fake = await createEtsyFake({ clock, listings: 250, receipts: 40, perSecond: 1000, accessTokenTtlSeconds: 86_400 });
  const tokens = fake.oauth.issueTokens(fake.ownerUserId, ['listings_r', 'listings_w', 'transactions_r', 'shops_r']);
  headers = { 'x-api-key': fake.apiKey, authorization: `Bearer ${tokens.access_token}` };
});
afterAll(() => fake.close());

async function get(path: string) {
  const response = await request(`${fake.url}/v3/application${path}`, { headers });
  return { status: response.statusCode, body: (await response.body.json()) as any };
}

async function put(path: string, body: unknown) {
  const response = await request(`${fake.url}/v3/application${path}`, {
    method: 'PUT',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.statusCode, body: (await response.body.json()) as any };
}

/** What a client sends back to updateListingInventory: the whole inventory, prices as decimals, no read-only ids. */
function writable(inventory: Inventory, quantity?: (index: number, current: number) => number) {
  return {
    products: inventory.products.map((product, index) => ({
      sku: product.sku,
      property_values: product.property_values.map(({ property_id, property_name, scale_id, value_ids, values }) => ({
        property_id,
        property_name,
        scale_id,
        value_ids,
        values,
      })),
      offerings: product.offerings.map((offering) => ({
        price: offering.price.amount / offering.price.divisor,
        quantity: quantity ? quantity(index, offering.quantity) : offering.quantity,
        is_enabled: offering.is_enabled,
        readiness_state_id: offering.readiness_state_id,
      })),
    })),
    price_on_property: inventory.price_on_property,
    quantity_on_property: inventory.quantity_on_property,
    sku_on_property: inventory.sku_on_property,
  };
}

const shopPath = () => `/shops/${fake.shop.shop_id}`;
const byKind = (kind: number) => fake.listings()[kind]!;

describe('listings', () => {
  it('pages 250 active listings with their inventory in 3 calls of at most 100', async () => {
    const pages = [];
    for (const offset of [0, 100, 200])
      pages.push(await get(`${shopPath()}/listings?limit=100&offset=${offset}&includes=Inventory`));
    expect(pages.map((p) => [p.status, p.body.count, p.body.results.length])).toEqual([
      [200, 250, 100],
      [200, 250, 100],
      [200, 250, 50],
    ]);
    const listed = pages.flatMap((p) => p.body.results);
    expect(new Set(listed.map((l: any) => l.listing_id)).size).toBe(250);
    for (const listing of listed) expect(listing.inventory).toEqual(fake.listing(listing.listing_id)!.inventory);
  });

  it('carries SKUs, listings without one, variations and Etsy money objects', async () => {
    const first = (await get(`${shopPath()}/listings?limit=100&includes=Inventory`)).body.results as any[];
    const products = first.flatMap((listing) => listing.inventory.products);
    expect(products.some((p) => p.sku === '')).toBe(true);
    expect(products.some((p) => /^BDG-\d{5}/.test(p.sku))).toBe(true);
    expect(first.some((listing) => listing.has_variations && listing.inventory.products.length === 4)).toBe(true);
    expect(products[0].offerings[0].price).toEqual({ amount: expect.any(Number), divisor: 100, currency_code: 'USD' });
    const quantities = first.map((l) => l.quantity);
    const inStock = first.map((l) =>
      l.inventory.products.reduce(
        (sum: number, p: any) => sum + (p.offerings[0].is_enabled ? p.offerings[0].quantity : 0),
        0,
      ),
    );
    expect(quantities).toEqual(inStock);
  });

  it('takes includes in both of Etsy’s forms and refuses what the spec refuses', async () => {
    const comma = await get(`${shopPath()}/listings?limit=1&includes=Inventory,Shop`);
    const repeated = await get(`${shopPath()}/listings?limit=1&includes=Inventory&includes=Shop`);
    expect(comma.body).toEqual(repeated.body);
    expect(comma.body.results[0].shop.shop_id).toBe(fake.shop.shop_id);
    for (const query of ['limit=0', 'limit=101', 'offset=-1', 'includes=Everything', 'state=gone', 'limit=ten']) {
      const refused = await get(`${shopPath()}/listings?${query}`);
      expect(refused.status, query).toBe(400);
      expect(refused.body.error).toMatch(/^There was a problem with /);
    }
  });
});

describe('updateListingInventory', () => {
  it('replaces the whole inventory, variations kept, and gives products new ids', async () => {
    const before = byKind(3);
    const answer = await put(
      `/listings/${before.listing.listing_id}/inventory`,
      writable(before.inventory, (i) => 10 + i),
    );
    expect(answer.status).toBe(200);
    const after = fake.listing(before.listing.listing_id)!;
    expect(
      after.inventory.products.map((p) => [p.sku, p.offerings[0]!.quantity, p.property_values.map((v) => v.values[0])]),
    ).toEqual(before.inventory.products.map((p, i) => [p.sku, 10 + i, p.property_values.map((v) => v.values[0])]));
    expect(after.inventory.products[0]!.product_id).not.toBe(before.inventory.products[0]!.product_id);
    expect(after.listing.quantity).toBe(10 + 11 + 12 + 13);
    expect(answer.body).toEqual(after.inventory);
    expect((await get(`/listings/${before.listing.listing_id}/inventory`)).body).toEqual(after.inventory);
  });

  it('drops the variations when products come back without their properties, as Etsy does', async () => {
    const before = byKind(2);
    const body = writable(before.inventory);
    for (const product of body.products) product.property_values = [];
    body.quantity_on_property = [];
    body.sku_on_property = [];
    expect((await put(`/listings/${before.listing.listing_id}/inventory`, body)).status).toBe(200);
    const after = fake.listing(before.listing.listing_id)!;
    expect(after.inventory.products).toHaveLength(1);
    expect(after.listing.has_variations).toBe(false);
  });

  it.each([
    ['the inventory as getListingInventory read it', (inv: Inventory) => inv],
    ['no readiness_state_id', (inv: Inventory) => changeOffers(writable(inv), (o) => delete o.readiness_state_id)],
    ['a price as a string', (inv: Inventory) => changeOffers(writable(inv), (o) => (o.price = '12.00'))],
    ['a price below 0.20', (inv: Inventory) => changeOffers(writable(inv), (o) => (o.price = 0.1))],
    ['a quantity of 1000', (inv: Inventory) => changeOffers(writable(inv), (o) => (o.quantity = 1000))],
    ['two offerings in a product', (inv: Inventory) => twice(writable(inv))],
    [
      'different prices without price_on_property',
      (inv: Inventory) => changeOffers(writable(inv), (o, i) => (o.price = 10 + i)),
    ],
    ['a repeated combination', (inv: Inventory) => repeat(writable(inv))],
    ['parentheses in a value', (inv: Inventory) => rename(writable(inv), 'Black (matte)')],
    ['no products', () => ({ products: [] })],
    ['no products field', () => ({})],
  ])('refuses %s and changes nothing', async (_, build) => {
    const before = byKind(7);
    const answer = await put(`/listings/${before.listing.listing_id}/inventory`, build(before.inventory));
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error: expect.stringMatching(/^There was a problem with /) });
    expect(fake.listing(before.listing.listing_id)).toEqual(before);
  });

  it('refuses a listing of another member', async () => {
    const stranger = fake.oauth.issueTokens(42_424_242).access_token;
    const listing = byKind(0);
    const response = await request(`${fake.url}/v3/application/listings/${listing.listing.listing_id}/inventory`, {
      method: 'PUT',
      headers: { 'x-api-key': fake.apiKey, authorization: `Bearer ${stranger}`, 'content-type': 'application/json' },
      body: JSON.stringify(writable(listing.inventory)),
    });
    expect(response.statusCode).toBe(403);
    await response.body.dump();
  });
});

type Offer = Record<string, any>;
function changeOffers(body: ReturnType<typeof writable>, change: (offer: Offer, index: number) => unknown) {
  for (const [index, product] of body.products.entries()) change(product.offerings[0] as Offer, index);
  return body;
}
function twice(body: ReturnType<typeof writable>) {
  body.products[0]!.offerings.push({ ...body.products[0]!.offerings[0]! });
  return body;
}
function repeat(body: ReturnType<typeof writable>) {
  body.products[1]!.property_values = structuredClone(body.products[0]!.property_values);
  return body;
}
function rename(body: ReturnType<typeof writable>, value: string) {
  body.products[0]!.property_values[0]!.values = [value];
  return body;
}

describe('receipts', () => {
  it('pages receipts newest first and filters by min_last_modified and payment', async () => {
    const all = await get(`${shopPath()}/receipts?limit=100`);
    expect(all.body.count).toBe(40);
    const created = all.body.results.map((r: any) => r.created_timestamp);
    expect(created).toEqual([...created].sort((a, b) => b - a));
    const since = created[9];
    const recent = await get(`${shopPath()}/receipts?limit=100&min_last_modified=${since}`);
    expect(recent.body.results.every((r: any) => r.updated_timestamp >= since)).toBe(true);
    expect(recent.body.count).toBe(10);
    const unpaid = await get(`${shopPath()}/receipts?limit=100&was_paid=false`);
    expect(unpaid.body.results.length).toBeGreaterThan(0);
    expect(unpaid.body.results.every((r: any) => !r.is_paid)).toBe(true);
    const statuses = new Set(all.body.results.map((r: any) => r.status));
    expect(statuses).toEqual(
      new Set(['Paid', 'Completed', 'Canceled', 'Fully Refunded', 'Partially Refunded', 'Payment Processing']),
    );
  });

  it('records a purchase: stock down, a paid receipt found by min_last_modified, its line items exact', async () => {
    clock.advance(60_000);
    const since = Math.floor(clock.now().getTime() / 1000);
    const listing = byKind(5);
    const product = listing.inventory.products[0]!;
    const receipt = fake.buy({ listingId: listing.listing.listing_id, quantity: 2 });
    expect(fake.listing(listing.listing.listing_id)!.inventory.products[0]!.offerings[0]!.quantity).toBe(
      product.offerings[0]!.quantity - 2,
    );
    const found = await get(`${shopPath()}/receipts?min_last_modified=${since}`);
    expect(found.body.results.map((r: any) => r.receipt_id)).toEqual([receipt.receipt_id]);
    const line = found.body.results[0].transactions[0];
    expect(line).toMatchObject({
      listing_id: listing.listing.listing_id,
      sku: product.sku,
      quantity: 2,
      product_id: product.product_id,
    });
    expect(found.body.results[0]).toMatchObject({ status: 'Paid', is_paid: true });
    expect(found.body.results[0].subtotal.amount).toBe(product.offerings[0]!.price.amount * 2);
    const single = await get(`${shopPath()}/receipts/${receipt.receipt_id}`);
    expect(single.body).toEqual(found.body.results[0]);
    const lines = await get(`${shopPath()}/receipts/${receipt.receipt_id}/transactions`);
    expect(lines.body).toEqual({ count: 1, results: [line] });
  });

  it('moves a receipt to refunded with a new updated_timestamp', async () => {
    const receipt = fake.buy({ listingId: byKind(10).listing.listing_id });
    clock.advance(3_600_000);
    const refunded = fake.setReceiptStatus(receipt.receipt_id, 'fully refunded');
    expect(refunded).toMatchObject({ status: 'Fully Refunded', updated_timestamp: receipt.updated_timestamp + 3600 });
    expect(refunded.refunds[0].amount).toEqual(refunded.grandtotal);
    expect((await get(`${shopPath()}/receipts/999`)).status).toBe(404);
  });

  it('takes a listing that runs out off the active listings', async () => {
    const listing = byKind(20);
    for (const product of listing.inventory.products)
      fake.setQuantity(listing.listing.listing_id, 0, { productId: product.product_id });
    expect(fake.listing(listing.listing.listing_id)!.listing.state).toBe('sold_out');
    const active = await get(`${shopPath()}/listings/active?limit=100&offset=0`);
    expect(active.body.count).toBe(249);
    expect(fake.shop.listing_active_count).toBe(249);
  });
});
