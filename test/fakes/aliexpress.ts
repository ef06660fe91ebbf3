// A real HTTP server that serves AliExpress-shaped search pages built from the real item fixture:
// 60 items a page over several pages, titles matched by the search words, Spanish or English sold
// counts by the locale cookie, and on demand a block page, a slow page or a malformed page. The same
// server answers the item pages' product gateway (aliexpress-mtop.ts) and the affiliate API's /sync
// (aliexpress-affiliate.ts) from the same products.
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { type AffiliateCall, type AffiliateProduct, affiliateHandler } from './aliexpress-affiliate.ts';
import { type FakeProduct, mtopHandler } from './aliexpress-mtop.ts';

const fixture = JSON.parse(
  readFileSync(
    fileURLToPath(new URL('../fixtures/aliexpress/aliexpress-search-itemList.sample.json', import.meta.url)),
    'utf8',
  ),
) as {
  content: Array<Record<string, any>>;
};

export type FakeMode = 'normal' | 'block' | 'slow' | 'malformed' | 'error';

export interface FakeRequest {
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  at: number;
}

/** `count` products for `words`, derived from the real items: ids, prices and sales vary, the shape does not. */
export function catalogue(words: string, count: number, locale: 'es' | 'en'): Array<Record<string, any>> {
  return Array.from({ length: count }, (_, i) => {
    const item = structuredClone(fixture.content[i % fixture.content.length]!);
    const id = `10050${String(i + 1).padStart(11, '0')}`;
    const cents = 150 + ((i * 977) % 4850);
    item.productId = id;
    item.title.displayTitle = `${words} ${item.title.displayTitle.split(' ').slice(0, 4).join(' ')} #${i + 1}`;
    item.prices.salePrice = {
      ...item.prices.salePrice,
      cent: cents,
      minPrice: cents / 100,
      formattedPrice: `US $${(cents / 100).toFixed(2)}`,
    };
    item.prices.originalPrice = { ...item.prices.originalPrice, cent: cents * 2, minPrice: (cents * 2) / 100 };
    item.trade.tradeDesc = locale === 'es' ? `${(i * 37) % 2000} vendidos` : `${(i * 37) % 2000} sold`;
    item.evaluation = { starRating: 3 + (i % 5) * 0.5 };
    return item;
  });
}

export function pageHtml(items: unknown[]): string {
  const payload = JSON.stringify({ data: { root: { fields: { mods: { itemList: { content: items } } } } } });
  return `<!doctype html><html><body><script>/*!-->init-data-start--*/window._dida_config_._init_data_= { data: ${payload} }/*!-->init-data-end--*/</script></body></html>`;
}

export const BLOCK_PAGE =
  '<html><body><script>window.location.href="https://www.aliexpress.com/_____tmd_____/punish?x5secdata=xyz&x5step=1"</script></body></html>';

export const FAKE_APP_KEY = '500123';
export const FAKE_APP_SECRET = 'fake-affiliate-secret';

export async function startFakeAliexpress(options: { pages?: number; perPage?: number } = {}) {
  const pages = options.pages ?? 3;
  const perPage = options.perPage ?? 60;
  const requests: FakeRequest[] = [];
  let mode: FakeMode = 'normal';
  const fresh: Array<Record<string, any>> = [];
  const changed = new Map<string, FakeProduct>();
  const affiliateCalls: AffiliateCall[] = [];
  const tokens = new Set<string>();
  /** A product as it is now: changed by the test, else as the catalogue lists it; undefined when there is none. */
  const lookup = (id: string): FakeProduct | undefined => {
    if (changed.has(id)) return changed.get(id);
    const listed = [...fresh, ...catalogue('producto', pages * perPage, 'en')].find((item) => item.productId === id);
    return listed
      ? { title: listed.title.displayTitle, cents: listed.prices.salePrice.cent, available: true }
      : undefined;
  };
  const asAffiliate = (item: Record<string, any>): AffiliateProduct => ({
    id: item.productId,
    title: item.title.displayTitle,
    cents: item.prices.salePrice.cent,
    volume: Number(String(item.trade.tradeDesc).match(/\d+/)?.[0] ?? 0),
    categoryId: item.trace.exposure.postCategoryId,
  });
  const app = new Hono();
  app.get('/h5/mtop.aliexpress.pdp.pc.query/1.0/', (c) => {
    requests.push({ path: c.req.path, query: c.req.query(), headers: c.req.header(), at: Date.now() });
    return mtopHandler({ lookup, blocked: () => mode === 'block', tokens })(c);
  });
  app.post(
    '/sync',
    affiliateHandler({
      appKey: FAKE_APP_KEY,
      appSecret: FAKE_APP_SECRET,
      calls: affiliateCalls,
      lookup: (id) => {
        const product = lookup(id);
        return product?.available
          ? { id, title: product.title, cents: product.cents, volume: 0, categoryId: '201513902' }
          : undefined;
      },
      search: (words, page, sort) => {
        const items = catalogue(words, pages * perPage, 'en')
          .slice((page - 1) * 50, page * 50)
          .map(asAffiliate);
        return sort === 'SALE_PRICE_ASC' ? items.sort((a, b) => a.cents - b.cents) : items;
      },
    }),
  );
  app.get('/w/:slug', async (c) => {
    requests.push({ path: c.req.path, query: c.req.query(), headers: c.req.header(), at: Date.now() });
    if (mode === 'block') return c.html(BLOCK_PAGE);
    if (mode === 'error') return c.text('upstream error', 503);
    if (mode === 'slow') await new Promise((resolve) => setTimeout(resolve, 5_000));
    const words = c.req.query('SearchText') ?? '';
    const locale = /b_locale=es/.test(c.req.header('cookie') ?? '') ? 'es' : 'en';
    const page = Number(c.req.query('page') ?? 1);
    let items: Array<Record<string, any>> = [
      ...(page === 1
        ? fresh.map((item) => ({
            ...item,
            title: { ...item.title, displayTitle: `${words} ${item.title.displayTitle}` },
          }))
        : []),
      ...catalogue(words, pages * perPage, locale).slice((page - 1) * perPage, page * perPage),
    ];
    if (c.req.query('SortType') === 'price_asc')
      items = items.sort((a, b) => a.prices.salePrice.cent - b.prices.salePrice.cent);
    const html = pageHtml(page > pages ? [] : items);
    return c.html(mode === 'malformed' ? html.slice(0, html.length / 2) : html);
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    affiliateCalls,
    setMode: (next: FakeMode) => {
      mode = next;
    },
    /** Changes a product's price or stock from now on, as the item page and the API show it. */
    setProduct(id: string, change: Partial<FakeProduct>) {
      const now = lookup(id) ?? { title: `producto ${id}`, cents: 1000, available: true };
      changed.set(id, { ...now, ...change });
    },
    /** New listings at the top of page 1, priced at `cents` (to appear between two runs of a saved filter). */
    addNew(count: number, cents: number) {
      for (let i = 0; i < count; i++) {
        const item = catalogue('nuevo', 1, 'es')[0]!;
        item.productId = `20050${String(fresh.length + 1).padStart(11, '0')}`;
        item.title.displayTitle = `novedad ${fresh.length + 1}`;
        item.prices.salePrice = { ...item.prices.salePrice, cent: cents, minPrice: cents / 100 };
        fresh.push(item);
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
