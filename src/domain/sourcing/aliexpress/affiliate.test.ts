import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_APP_KEY, FAKE_APP_SECRET, startFakeAliexpress } from '../../../../test/fakes/aliexpress.ts';
import { AppError } from '../../../errors.ts';
import { createLogger } from '../../../logger.ts';
import { createSupplierSource } from './source.ts';

const log = createLogger({ level: 'silent', pretty: false });
let fake: Awaited<ReturnType<typeof startFakeAliexpress>>;

beforeAll(async () => {
  fake = await startFakeAliexpress({ pages: 2, perPage: 60 });
});
afterAll(async () => {
  await fake.close();
});

function affiliate(appSecret = FAKE_APP_SECRET) {
  return createSupplierSource({
    baseUrl: fake.baseUrl,
    mtopUrl: fake.baseUrl,
    apiBase: fake.baseUrl,
    appKey: FAKE_APP_KEY,
    appSecret,
    log,
    http: { pauseMs: 0, retries: 0 },
  });
}

describe('AliExpress affiliate API', () => {
  it('is the source when key and secret are set, and searches with signed calls', async () => {
    const api = affiliate();
    expect(api.kind).toBe('affiliate');
    const pagesBefore = fake.requests.length;
    const items = await api.search({
      words: 'mouse',
      page: 2,
      locale: 'es',
      currency: 'MXN',
      shipTo: 'MX',
      sort: 'price',
      categoryId: '7',
    });
    expect(fake.requests.length).toBe(pagesBefore); // no website page was fetched
    expect(items).toHaveLength(50);
    expect(items.map((item) => item.price.minor)).toEqual(
      [...items.map((item) => item.price.minor)].sort((a, b) => a - b),
    );
    const call = fake.affiliateCalls.at(-1)!;
    expect(call.method).toBe('aliexpress.affiliate.product.query');
    expect(call.params).toMatchObject({
      keywords: 'mouse',
      page_no: '2',
      page_size: '50',
      sort: 'SALE_PRICE_ASC',
      category_ids: '7',
      target_currency: 'MXN',
      target_language: 'ES',
      ship_to_country: 'MX',
      app_key: FAKE_APP_KEY,
      sign_method: 'sha256',
    });
    expect(call.params.sign).toMatch(/^[0-9A-F]{64}$/);
    const first = items[0]!;
    expect(first).toMatchObject({
      source: 'aliexpress',
      url: `https://www.aliexpress.com/item/${first.externalId}.html`,
      soldCount: expect.any(Number),
    });
    expect(first.categoryId).toMatch(/^\d{9}$/); // the second-level category the API names
    expect(first.price.currency).toBe('MXN');
    expect(first.rating).toBeUndefined(); // the API's feedback percentage is not a star rating
    expect(first.originalPrice?.minor).toBe(first.price.minor * 2);
    await api.close();
  });

  it('looks up one product for watches, and a product it no longer returns is unavailable', async () => {
    const api = affiliate();
    fake.setProduct('1005000000000002', { cents: 777 });
    expect(await api.product('1005000000000002', { locale: 'en', currency: 'USD', shipTo: 'US' })).toMatchObject({
      available: true,
      item: { externalId: '1005000000000002', price: { minor: 777, currency: 'USD' } },
    });
    expect(fake.affiliateCalls.at(-1)).toMatchObject({
      method: 'aliexpress.affiliate.productdetail.get',
      params: { product_ids: '1005000000000002' },
    });
    fake.setProduct('1005000000000002', { available: false });
    expect(await api.product('1005000000000002', { locale: 'en', currency: 'USD', shipTo: 'US' })).toEqual({
      available: false,
    });
    await api.close();
  });

  it('reports a refused signature as upstream_failed', async () => {
    const api = affiliate('wrong-secret');
    const error = await api
      .search({ words: 'mouse', locale: 'en', currency: 'USD', shipTo: 'US' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('upstream_failed');
    expect((error as AppError).message).toContain('IncompleteSignature');
    await api.close();
  });
});
