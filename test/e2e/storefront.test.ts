import { sql } from 'drizzle-orm';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.ts';
import { createApiKeys } from '../../src/domain/apikeys/index.ts';
import { createInventory } from '../../src/domain/inventory/index.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { startStorefrontServer } from '../helpers/storefront-server.ts';

let database: TestDatabase & { drop(): Promise<void> };
let base: string;
let apiKey: string;
let close: () => Promise<void>;
const agent = new Agent({ connections: 64, pipelining: 1 });

beforeAll(async () => {
  database = await createTestDatabase({ poolSize: 40 });
  const inventory = createInventory({ db: database.db, batchDb: database.batchDb, clock: systemClock });
  const apiKeys = createApiKeys({ db: database.db });
  apiKey = (await apiKeys.create('web shop')).key;
  await inventory.products.add(
    { sku: 'FLASH-1', title: 'Flash sale mug', priceMinor: 9900, currency: 'MXN', stock: 100 },
    { actor: 'test', key: 'seed:flash' },
  );
  await inventory.products.add(
    { sku: 'CALM-1', title: 'Calm mug', priceMinor: 9900, currency: 'MXN', stock: 10 },
    { actor: 'test', key: 'seed:calm' },
  );
  const server = await startStorefrontServer({ inventory, apiKeys });
  base = server.base;
  close = async () => {
    await agent.close();
    await server.close();
    await database.drop();
  };
});

afterAll(async () => {
  await close?.();
});

async function call(
  method: string,
  path: string,
  options: { body?: string; headers?: Record<string, string>; key?: string | null } = {},
) {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  if (options.key !== null) headers.authorization = `Bearer ${options.key ?? apiKey}`;
  const response = await request(`${base}${path}`, {
    method: method as 'GET',
    body: options.body,
    headers,
    dispatcher: agent,
  });
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, json: text ? JSON.parse(text) : undefined };
}

const reserve = (body: unknown, key: string) =>
  call('POST', '/reservations', { body: JSON.stringify(body), headers: { 'idempotency-key': key } });

async function levels(sku: string) {
  return (await call('GET', `/stock/${sku}`)).json;
}

describe('storefront API', () => {
  it('sells exactly the stock under 500 concurrent reservations over many connections', async () => {
    const answers = await Promise.all(
      Array.from({ length: 500 }, (_, i) => reserve({ sku: 'FLASH-1', qty: 1 }, `flash-${i}`)),
    );
    const created = answers.filter((a) => a.status === 201);
    const refused = answers.filter((a) => a.status === 409);
    expect(created).toHaveLength(100);
    expect(refused).toHaveLength(400);
    expect(refused.every((a) => a.json.error === 'insufficient_stock' && a.json.available === 0)).toBe(true);
    expect(created[0]?.json).toMatchObject({
      sku: 'FLASH-1',
      qty: 1,
      status: 'pending',
      expires_at: expect.any(String),
    });
    expect(await levels('FLASH-1')).toEqual({
      sku: 'FLASH-1',
      title: 'Flash sale mug',
      total: 100,
      reserved: 100,
      sold: 0,
      available: 0,
      price: '99.00',
      currency: 'MXN',
    });
    const [ledger] = await database.db.execute(sql`
      select sum(delta_reserved)::int as reserved, count(*) filter (where reason = 'reserve')::int as holds
      from stock_ledger l join products p on p.id = l.product_id where p.sku = 'FLASH-1'`);
    const [pending] = await database.db.execute(sql`
      select count(*)::int as n, sum(qty)::int as qty from reservations r join products p on p.id = r.product_id
      where p.sku = 'FLASH-1' and r.status = 'pending'`);
    expect(ledger).toEqual({ reserved: 100, holds: 100 });
    expect(pending).toEqual({ n: 100, qty: 100 });
  });

  it('returns the same reservation for a repeated Idempotency-Key and reserves once', async () => {
    const first = await reserve({ sku: 'CALM-1', qty: 2, reference: 'order-1001' }, 'order-1001');
    const again = await reserve({ sku: 'CALM-1', qty: 2, reference: 'order-1001' }, 'order-1001');
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.json).toEqual(first.json);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect((await levels('CALM-1')).reserved).toBe(2);
    for (const changed of [{ qty: 3 }, { reference: 'order-1002' }, { ttl_seconds: 600 }, { reference: undefined }]) {
      const reused = await reserve({ sku: 'CALM-1', qty: 2, reference: 'order-1001', ...changed }, 'order-1001');
      expect([reused.status, reused.json.error], JSON.stringify(changed)).toEqual([422, 'idempotency_key_reused']);
    }
    expect((await levels('CALM-1')).reserved).toBe(2);
  });

  it('commits and releases reservations, and refuses to release a sale', async () => {
    const sale = await reserve({ sku: 'CALM-1', qty: 1 }, 'order-2001');
    expect(await call('POST', `/reservations/${sale.json.id}/commit`)).toMatchObject({
      status: 200,
      json: { id: sale.json.id, status: 'committed' },
    });
    expect((await call('DELETE', `/reservations/${sale.json.id}`)).status).toBe(409);
    const hold = await reserve({ sku: 'CALM-1', qty: 1 }, 'order-2002');
    expect(await call('DELETE', `/reservations/${hold.json.id}`)).toMatchObject({
      status: 200,
      json: { id: hold.json.id, status: 'released' },
    });
    expect((await call('POST', `/reservations/${hold.json.id}/commit`)).status).toBe(409);
    expect(await levels('CALM-1')).toMatchObject({ sold: 1 });
  });

  it('answers bad requests with a clear 4xx and changes nothing', async () => {
    const before = await levels('CALM-1');
    const cases: Array<[Promise<{ status: number; json: { error?: string } }>, number, string]> = [
      [call('GET', '/stock/CALM-1', { key: null }), 401, 'unauthorized'],
      [call('GET', '/stock/CALM-1', { key: 'bdg_wrongwrongwrongwrongwrongwrongwron' }), 401, 'unauthorized'],
      [call('GET', '/stock/NOPE-404'), 404, 'not_found'],
      [
        call('POST', '/reservations', { body: '{"sku": "CALM-1", "qty": 1', headers: { 'idempotency-key': 'k1' } }),
        400,
        'invalid_json',
      ],
      [
        call('POST', '/reservations', { body: JSON.stringify({ sku: 'CALM-1', qty: 1 }) }),
        400,
        'missing_idempotency_key',
      ],
      [reserve({ sku: 'CALM-1', qty: -2 }, 'k2'), 422, 'invalid_input'],
      [reserve({ sku: 'CALM-1', qty: 1e9 }, 'k3'), 422, 'invalid_input'],
      [reserve({ sku: 'CALM-1', qty: 1.5 }, 'k4'), 422, 'invalid_input'],
      [reserve({ sku: 'CALM-1', qty: '1' }, 'k5'), 422, 'invalid_input'],
      [reserve({ sku: 'CALM-1', qty: 1, extra: true }, 'k6'), 422, 'invalid_input'],
      [reserve({ sku: 'CALM-1', qty: 1, ttl_seconds: 1 }, 'k7'), 422, 'invalid_input'],
      [reserve({ sku: 'NOPE-404', qty: 1 }, 'k8'), 404, 'not_found'],
      [reserve([1, 2], 'k9'), 422, 'invalid_input'],
      [call('POST', '/reservations/abc/commit'), 404, 'not_found'],
      [call('POST', '/reservations/999999/commit'), 404, 'not_found'],
      [call('DELETE', '/reservations/999999'), 404, 'not_found'],
      [
        call('POST', '/reservations', {
          body: JSON.stringify({ sku: 'CALM-1', qty: 1, reference: 'x'.repeat(20_000) }),
          headers: { 'idempotency-key': 'k10' },
        }),
        413,
        'payload_too_large',
      ],
    ];
    for (const [pending, status, error] of cases) {
      const answer = await pending;
      expect([answer.status, answer.json?.error]).toEqual([status, error]);
    }
    expect(await levels('CALM-1')).toEqual(before);
  });
});
