import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.ts';
import { createApiKeys } from '../../src/domain/apikeys/index.ts';
import { createInventory } from '../../src/domain/inventory/index.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { startStorefrontServer } from '../helpers/storefront-server.ts';

interface Answer {
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
}

let database: TestDatabase & { drop(): Promise<void> };
let server: Awaited<ReturnType<typeof startStorefrontServer>>;
const clock = manualClock('2026-05-01T12:00:00Z');
const keys = { a: '', b: '' };

beforeAll(async () => {
  database = await createTestDatabase();
  const inventory = createInventory({ db: database.db, batchDb: database.batchDb, clock });
  const apiKeys = createApiKeys({ db: database.db });
  keys.a = (await apiKeys.create('shop a')).key;
  keys.b = (await apiKeys.create('shop b')).key;
  for (const [sku, stock] of [
    ['MUG-1', 10],
    ['CUP-1', 1],
  ] as const) {
    await inventory.products.add(
      { sku, title: `Product ${sku}`, priceMinor: 19990, currency: 'MXN', stock },
      { actor: 'test', key: `seed:${sku}` },
    );
  }
  server = await startStorefrontServer({ inventory, apiKeys, clock, guard: { maxFailures: 3 } });
});

afterAll(async () => {
  await server?.close();
  await database?.drop();
});

async function call(
  method: string,
  path: string,
  options: { key?: string | null; body?: unknown; idem?: string } = {},
) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const key = options.key === undefined ? keys.a : options.key;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  if (options.idem) headers['idempotency-key'] = options.idem;
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  const response = await fetch(`${server.base}${path}`, { method, headers, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : {} } as Answer;
}

const reserve = (body: unknown, idem: string, key?: string) => call('POST', '/reservations', { body, idem, key });

describe('reservations belong to the key that made them', () => {
  it('answers 404 to another key for read, commit, ship and release, and never exposes a sequential id', async () => {
    const made = await reserve({ sku: 'MUG-1', qty: 2, reference: 'cart-7' }, 'a-1');
    expect(made.status).toBe(201);
    const id = String(made.json.id);
    expect(id).toMatch(/^res_[0-9a-f]{32}$/);
    for (const [method, path] of [
      ['GET', `/reservations/${id}`],
      ['POST', `/reservations/${id}/commit`],
      ['POST', `/reservations/${id}/ship`],
      ['DELETE', `/reservations/${id}`],
    ] as const) {
      expect((await call(method, path, { key: keys.b })).status, `${method} ${path}`).toBe(404);
    }
    expect((await call('GET', `/reservations/${id}`)).json).toMatchObject({
      id,
      status: 'pending',
      reference: 'cart-7',
    });
    // The old guessing attack: sequential numbers name nothing.
    for (let n = 1; n <= 5; n++) expect((await call('DELETE', `/reservations/${n}`, { key: keys.b })).status).toBe(404);
    expect((await call('GET', '/stock/MUG-1')).json).toMatchObject({ reserved: 2 });
  });

  it('refuses a revoked key at once, and slows an address that keeps sending wrong keys', async () => {
    const apiKeys = createApiKeys({ db: database.db });
    const doomed = await apiKeys.create('soon revoked');
    expect((await call('GET', '/stock/MUG-1', { key: doomed.key })).status).toBe(200);
    await apiKeys.revoke('soon revoked');
    expect((await call('GET', '/stock/MUG-1', { key: doomed.key })).status).toBe(401);
    for (let i = 0; i < 2; i++)
      expect((await call('GET', '/stock/MUG-1', { key: `bdg_${'x'.repeat(32)}` })).status).toBe(401);
    const slowed = await call('GET', '/stock/MUG-1', { key: `bdg_${'y'.repeat(32)}` });
    expect([slowed.status, slowed.json.error, Number(slowed.headers.get('retry-after'))]).toEqual([
      429,
      'rate_limited',
      60,
    ]);
    // A key this address used successfully before still works; everything else waits for the window.
    expect((await call('GET', '/stock/MUG-1')).status).toBe(200);
    expect((await call('GET', '/stock/MUG-1', { key: keys.b })).status).toBe(200);
    clock.advance(61_000);
    expect((await call('GET', '/stock/MUG-1', { key: `bdg_${'z'.repeat(32)}` })).status).toBe(401);
  });
});

describe('the OpenAPI document', () => {
  it('validates as OpenAPI, and every route answers as it documents', async () => {
    const documentAnswer = await call('GET', '/openapi.json', { key: null });
    expect(documentAnswer.status).toBe(200);
    const doc = documentAnswer.json as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    const validator = new Validator();
    const validation = await validator.validate(structuredClone(doc));
    expect(validation.errors ?? []).toEqual([]);
    expect(validation.valid).toBe(true);

    clock.advance(61_000); // clear the address's refused keys from the test above
    const exchanges: Array<[string, string, Answer]> = [];
    const ask = async (method: string, route: string, path: string, options?: Parameters<typeof call>[2]) => {
      const answer = await call(method, path, options);
      exchanges.push([method.toLowerCase(), route, answer]);
      return answer;
    };
    const one = '/reservations/{id}';
    await ask('GET', '/openapi.json', '/openapi.json', { key: null });
    await ask('GET', '/stock/{sku}', '/stock/MUG-1');
    await ask('GET', '/stock/{sku}', '/stock/NOPE');
    await ask('GET', '/stock/{sku}', '/stock/MUG-1', { key: null });
    await ask('GET', '/stock', '/stock?skus=MUG-1,cup-1,NOPE');
    await ask('GET', '/stock', `/stock?skus=${Array.from({ length: 101 }, (_, i) => `S${i}`).join(',')}`);
    const held = await ask('POST', '/reservations', '/reservations', { body: { sku: 'MUG-1', qty: 1 }, idem: 'doc-1' });
    const sale = await ask('POST', '/reservations', '/reservations', { body: { sku: 'CUP-1', qty: 1 }, idem: 'doc-2' });
    await ask('POST', '/reservations', '/reservations', { body: { sku: 'CUP-1', qty: 1 }, idem: 'doc-3' });
    await ask('POST', '/reservations', '/reservations', { body: { sku: 'MUG-1', qty: 0 }, idem: 'doc-4' });
    await ask('POST', '/reservations', '/reservations', { body: { sku: 'MUG-1', qty: 1 } });
    await ask('POST', '/reservations', '/reservations', { body: { sku: 'NOPE-1', qty: 1 }, idem: 'doc-5' });
    await ask('POST', '/reservations', '/reservations', {
      body: { sku: 'MUG-1', qty: 1, reference: 'x'.repeat(20_000) },
      idem: 'doc-6',
    });
    const holdId = String(held.json.id);
    const saleId = String(sale.json.id);
    await ask('GET', one, `/reservations/${holdId}`);
    await ask('GET', one, `/reservations/${holdId}`, { key: keys.b });
    await ask('POST', `${one}/ship`, `/reservations/${saleId}/ship`);
    await ask('POST', `${one}/commit`, `/reservations/${saleId}/commit`);
    await ask('POST', `${one}/commit`, `/reservations/${saleId}/commit`, { key: keys.b });
    const shipped = await ask('POST', `${one}/ship`, `/reservations/${saleId}/ship`);
    expect(shipped.json).toEqual({ id: saleId, status: 'shipped' });
    await ask('POST', `${one}/ship`, `/reservations/${saleId}/ship`, { key: keys.b });
    await ask('DELETE', one, `/reservations/${saleId}`);
    await ask('DELETE', one, `/reservations/${holdId}`);
    await ask('DELETE', one, `/reservations/${holdId}`, { key: keys.b });
    await ask('POST', `${one}/commit`, `/reservations/${holdId}/commit`);
    expect((await call('GET', '/stock/CUP-1')).json).toMatchObject({
      total: 0,
      sold: 0,
      available: 0,
      price: '199.90',
    });

    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    ajv.addSchema(doc, 'openapi');
    const problems: string[] = [];
    for (const [method, route, answer] of exchanges) {
      const documented = doc.paths[route]?.[method]?.responses[String(answer.status)] as
        | { content: { 'application/json': { schema: { $ref?: string } } } }
        | undefined;
      if (!documented) {
        problems.push(`${method} ${route} answered ${answer.status}, which it does not document`);
        continue;
      }
      const schema = documented.content['application/json'].schema;
      const check = schema.$ref ? ajv.compile({ $ref: `openapi${schema.$ref}` }) : ajv.compile(schema);
      if (!check(answer.json)) problems.push(`${method} ${route} ${answer.status}: ${ajv.errorsText(check.errors)}`);
    }
    expect(problems).toEqual([]);
    // Every documented operation was seen answering successfully.
    const succeeded = new Set(exchanges.filter(([, , a]) => a.status < 300).map(([m, r]) => `${m} ${r}`));
    const operations = Object.entries(doc.paths).flatMap(([route, methods]) =>
      Object.keys(methods).map((m) => `${m} ${route}`),
    );
    expect(operations.filter((operation) => !succeeded.has(operation))).toEqual([]);
  });
});

describe('a revoked key and reservations', () => {
  it('refuses new reservations and replays at once on every instance, though each remembers the key', async () => {
    clock.advance(61_000); // clear the address's refused keys from the tests above
    // A second instance on the same database, with its own memory of keys; the CLI revokes through a third.
    const other = await startStorefrontServer({
      inventory: createInventory({ db: database.db, batchDb: database.batchDb, clock }),
      apiKeys: createApiKeys({ db: database.db, clock }),
      clock,
    });
    try {
      const doomed = (await createApiKeys({ db: database.db }).create('flash shop')).key;
      const reserveOn = (base: string, idem: string) =>
        fetch(`${base}/reservations`, {
          method: 'POST',
          headers: { authorization: `Bearer ${doomed}`, 'content-type': 'application/json', 'idempotency-key': idem },
          body: JSON.stringify({ sku: 'MUG-1', qty: 1 }),
        });
      for (const base of [server.base, other.base]) expect((await reserveOn(base, `before:${base}`)).status).toBe(201);
      const before = (await call('GET', '/stock/MUG-1')).json.reserved;
      await createApiKeys({ db: database.db }).revoke('flash shop');
      for (const base of [server.base, other.base]) {
        const fresh = await reserveOn(base, `after:${base}`);
        expect([fresh.status, ((await fresh.json()) as { error: string }).error]).toEqual([401, 'unauthorized']);
        expect((await reserveOn(base, `before:${base}`)).status).toBe(401);
      }
      expect((await call('GET', '/stock/MUG-1')).json.reserved).toBe(before);
    } finally {
      await other.close();
    }
  });
});
