import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAliexpress } from '../../../../test/fakes/aliexpress.ts';
import { AppError } from '../../../errors.ts';
import { createLogger } from '../../../logger.ts';
import { createSupplierSource, type SupplierSource } from './source.ts';

const log = createLogger({ level: 'silent', pretty: false });
let fake: Awaited<ReturnType<typeof startFakeAliexpress>>;
let web: SupplierSource;
const query = { locale: 'es' as const, currency: 'USD', shipTo: 'US' };
const id = '1005000000000003';

beforeAll(async () => {
  fake = await startFakeAliexpress({ pages: 1, perPage: 10 });
  web = createSupplierSource({
    baseUrl: fake.baseUrl,
    mtopUrl: fake.baseUrl,
    apiBase: fake.baseUrl,
    log,
    http: { pauseMs: 0, retries: 0 },
  });
});
afterAll(async () => {
  await web.close();
  await fake.close();
});

const gatewayCalls = () => fake.requests.filter((request) => request.path.startsWith('/h5/'));

describe('AliExpress product gateway (watches without the API)', () => {
  it('takes the token the gateway hands out, signs with it, and keeps it for the next product', async () => {
    expect(web.kind).toBe('web');
    fake.setProduct(id, { cents: 1234 });
    const before = gatewayCalls().length;
    const state = await web.product(id, query);
    expect(state).toMatchObject({
      available: true,
      item: {
        externalId: id,
        price: { minor: 1234, currency: 'USD' },
        url: `https://www.aliexpress.com/item/${id}.html`,
      },
    });
    // One call to get the token, one signed call; the next product needs only the signed call.
    expect(gatewayCalls().length - before).toBe(2);
    const signed = gatewayCalls().at(-1)!;
    expect(JSON.parse(signed.query.data!)).toMatchObject({
      productId: id,
      _currency: 'USD',
      country: 'US',
      _lang: 'es_ES',
    });
    expect(signed.headers.cookie).toMatch(/_m_h5_tk=[0-9a-f]{32}_\d+/);
    await web.product('1005000000000004', query);
    expect(gatewayCalls().length - before).toBe(3);
  });

  it('says a product without stock or no longer listed is unavailable', async () => {
    fake.setProduct(id, { available: false });
    expect(await web.product(id, query)).toMatchObject({ available: false, item: { externalId: id } });
    expect(await web.product('1005999999999999', query)).toEqual({ available: false });
    fake.setProduct(id, { available: true });
  });

  it('reports the anti-bot challenge as upstream_blocked, inventing nothing', async () => {
    fake.setMode('block');
    try {
      const error = await web.product(id, query).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('upstream_blocked');
    } finally {
      fake.setMode('normal');
    }
  });
});
