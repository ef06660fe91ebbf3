// Every answer the Etsy fake gives validates against the response schema of Etsy's own spec, read strictly: every
// field the schema names is present and no other (the real getShopReceipts answer in test/fixtures passes this
// reading, so it is what Etsy sends). Only the associations a request did not ask for (`includes`) may be absent,
// and a receipt's status is matched without case, as Etsy writes "Fully Refunded" where the spec says
// "fully refunded". Error answers have Etsy's ErrorSchema shape.
import { readFileSync } from 'node:fs';
import type { OpenAPIBackend } from 'openapi-backend';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEtsyFake, type EtsyFake } from './index.ts';
import { routes } from './routes.ts';
import { allowNullReferences, createSpecBackend, readEtsySpec } from './spec.ts';

type Json = Record<string, any>;

const OPTIONAL: Record<string, string[]> = {
  ShopListingWithAssociations: [
    'shipping_profile',
    'user',
    'shop',
    'images',
    'videos',
    'inventory',
    'production_partners',
    'skus',
    'translations',
    'views',
  ],
  ListingInventoryWithAssociations: ['listing'],
  Self: ['shop_id'],
};

const anyCase = (word: string) => word.replace(/[a-z]/g, (letter) => `[${letter}${letter.toUpperCase()}]`);

function strictSpec(): Json {
  const definition = readEtsySpec();
  allowNullReferences(definition);
  for (const [name, schema] of Object.entries<Json>(definition.components.schemas)) {
    if (!schema.properties) continue;
    schema.required = Object.keys(schema.properties).filter((field) => !OPTIONAL[name]?.includes(field));
    // OAuth errors add error_description to ErrorSchema's one field.
    if (name !== 'ErrorSchema') schema.additionalProperties = false;
  }
  const status = definition.components.schemas.ShopReceipt.properties.status;
  definition.components.schemas.ShopReceipt.properties.status = {
    type: 'string',
    pattern: `^(${status.enum.map(anyCase).join('|')})$`,
  };
  return definition;
}

let strict: OpenAPIBackend;
let fake: EtsyFake;
const answers: Array<{ operationId: string; status: number; body: Json; path: string }> = [];

beforeAll(async () => {
  strict = await createSpecBackend(strictSpec());
  fake = await createEtsyFake({ listings: 12, receipts: 12, perSecond: 1000 });
  fake.buy({ listingId: fake.listings()[3]!.listing.listing_id, quantity: 1 });
});
afterAll(() => fake.close());

async function exercise(method: string, path: string, options: { token?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = { 'x-api-key': fake.apiKey };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await request(`${fake.url}/v3/application${path}`, {
    method: method as 'GET',
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const body = (await response.body.json()) as Json;
  const operationId = fake.calls.at(-1)?.operationId ?? '';
  answers.push({ operationId, status: response.statusCode, body, path });
}

/** One call per operation the fake serves, with and without associations, and the error answers of each kind. */
async function exerciseEveryRoute() {
  const token = fake.oauth.issueTokens(fake.ownerUserId).access_token;
  const shop = `/shops/${fake.shop.shop_id}`;
  const [plain, , , variations] = fake.listings();
  const receipt = fake.receipts()[0]!;
  const owner = { token };
  await exercise('GET', '/openapi-ping');
  await exercise('GET', '/users/me', owner);
  await exercise('GET', '/users/me', { token: fake.oauth.issueTokens(7_000_001).access_token });
  await exercise('GET', shop);
  await exercise('GET', `/users/${fake.ownerUserId}/shops`);
  await exercise('GET', `${shop}/listings?limit=100`, owner);
  await exercise('GET', `${shop}/listings?limit=100&includes=Inventory,Shop`, owner);
  await exercise('GET', `${shop}/listings/active?limit=100`);
  await exercise('GET', `/listings/${variations!.listing.listing_id}?includes=Inventory`);
  await exercise('GET', `/listings/${plain!.listing.listing_id}`);
  await exercise('GET', `/listings/${variations!.listing.listing_id}/inventory`, owner);
  await exercise('GET', `/listings/${variations!.listing.listing_id}/inventory?includes=Listing`, owner);
  const products = variations!.inventory.products.map((product) => ({
    sku: product.sku,
    property_values: product.property_values.map(({ scale_name, ...value }) => value),
    offerings: [
      { price: 25.5, quantity: 3, is_enabled: true, readiness_state_id: product.offerings[0]!.readiness_state_id },
    ],
  }));
  const update = { ...variations!.inventory, products, price_on_property: [] };
  await exercise('PUT', `/listings/${variations!.listing.listing_id}/inventory`, { ...owner, body: update });
  await exercise('GET', `${shop}/receipts?limit=100`, owner);
  await exercise('GET', `${shop}/receipts/${receipt.receipt_id}`, owner);
  await exercise('GET', `${shop}/receipts/${receipt.receipt_id}/transactions`, owner);
  // Error answers: bad input, no token, not found, another member's shop.
  await exercise('GET', `${shop}/receipts?limit=500`, owner);
  await exercise('GET', `${shop}/receipts`);
  await exercise('GET', `${shop}/receipts/1`, owner);
  await exercise('GET', `${shop}/listings`, { token: fake.oauth.issueTokens(7_000_001).access_token });
  await exercise('PUT', `/listings/${plain!.listing.listing_id}/inventory`, { ...owner, body: { products: [{}] } });
}

describe('answers of the Etsy fake', () => {
  it('validate against Etsy’s response schemas, read strictly, for every operation it serves', async () => {
    await exerciseEveryRoute();
    expect(new Set(answers.filter((a) => a.status === 200).map((a) => a.operationId))).toEqual(
      new Set(Object.keys(routes)),
    );
    for (const answer of answers) {
      const result = strict.validator.validateResponse(answer.body, answer.operationId, answer.status);
      expect(result.errors ?? [], `${answer.path} → ${answer.status}`).toEqual([]);
    }
  });

  it('answer errors in Etsy’s error shape', () => {
    const errors = answers.filter((a) => a.status >= 400);
    expect(new Set(errors.map((a) => a.status))).toEqual(new Set([400, 401, 403, 404]));
    for (const answer of errors) {
      expect(Object.keys(answer.body).every((key) => ['error', 'error_description'].includes(key))).toBe(true);
      expect(typeof answer.body.error).toBe('string');
    }
  });
});

describe('the strict reading', () => {
  it('takes the real getShopReceipts answer Etsy gave', () => {
    const real = JSON.parse(
      readFileSync(new URL('../../fixtures/etsy/etsy-getShopReceipts-response.sample.json', import.meta.url), 'utf8'),
    );
    expect(strict.validator.validateResponse(real, 'getShopReceipts', 200).errors).toBeNull();
  });

  it('refuses a listing missing a field, carrying an unknown one, or with a price that is not Etsy money', () => {
    const listing = fake.listings()[0]!.listing;
    const check = (changed: Json) =>
      strict.validator.validateResponse({ count: 1, results: [changed] }, 'getListingsByShop', 200);
    const { title, ...untitled } = listing;
    expect(check(untitled).valid).toBe(false);
    expect(check({ ...listing, colour: 'red' }).valid).toBe(false);
    expect(check({ ...listing, price: 12.5 }).valid).toBe(false);
    expect(check(listing).errors).toBeNull();
  });
});
