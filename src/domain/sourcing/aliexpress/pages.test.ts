import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAliexpress } from '../../../../test/fakes/aliexpress.ts';
import { AppError } from '../../../errors.ts';
import { createLogger } from '../../../logger.ts';
import type { PoliteClientOptions } from './http.ts';
import { createSupplierSource } from './source.ts';

const log = createLogger({ level: 'silent', pretty: false });
let fake: Awaited<ReturnType<typeof startFakeAliexpress>>;

beforeAll(async () => {
  fake = await startFakeAliexpress();
});
afterAll(async () => {
  await fake.close();
});

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

/** The website source against the fake, with the polite client's settings under test. */
function web(http: Omit<PoliteClientOptions, 'log' | 'proxyUrl'>, proxyUrl?: string) {
  return createSupplierSource({
    baseUrl: fake.baseUrl,
    mtopUrl: fake.baseUrl,
    apiBase: fake.baseUrl,
    proxyUrl,
    log,
    http,
  });
}

const query = { words: 'mouse inalámbrico', locale: 'es' as const, currency: 'MXN', shipTo: 'MX' };

describe('AliExpress search pages', () => {
  it('fetches and parses a page with locale, currency and ship-to, in price order when asked', async () => {
    fake.setMode('normal');
    const pages = web({ pauseMs: 0 });
    const items = await pages.search({ ...query, page: 2, sort: 'price' });
    expect(items).toHaveLength(60);
    expect(items.map((item) => item.price.minor)).toEqual(
      [...items.map((item) => item.price.minor)].sort((a, b) => a - b),
    );
    expect(items[0]?.title).toMatch(/^mouse inalámbrico /);
    expect(items.every((item) => typeof item.soldCount === 'number')).toBe(true);
    const request = fake.requests.at(-1)!;
    expect(request.query).toMatchObject({ SearchText: 'mouse inalámbrico', page: '2', SortType: 'price_asc' });
    expect(request.headers.cookie).toContain('c_tp=MXN&region=MX&b_locale=es_ES');
    expect(request.headers['accept-language']).toMatch(/^es-MX/);
    expect(request.headers['user-agent']).toMatch(/Mozilla\/5\.0/);
    await pages.close();
  });

  it('sends one request at a time with a pause between them', async () => {
    fake.setMode('normal');
    const pages = web({ pauseMs: 300 });
    const before = fake.requests.length;
    await Promise.all([pages.search(query), pages.search({ ...query, page: 2 }), pages.search({ ...query, page: 3 })]);
    const times = fake.requests.slice(before).map((r) => r.at);
    expect(times).toHaveLength(3);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(280);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(280);
    await pages.close();
  });

  it('reports a block page as upstream_blocked without retrying into it', async () => {
    fake.setMode('block');
    const pages = web({ pauseMs: 0, backoffMs: 10 });
    const before = fake.requests.length;
    expect((await failure(pages.search(query))).code).toBe('upstream_blocked');
    expect(fake.requests.length - before).toBe(1);
    await pages.close();
  });

  it('retries server errors with backoff, then reports upstream_failed', async () => {
    fake.setMode('error');
    const pages = web({ pauseMs: 0, retries: 2, backoffMs: 10 });
    const before = fake.requests.length;
    expect((await failure(pages.search(query))).code).toBe('upstream_failed');
    expect(fake.requests.length - before).toBe(3);
    await pages.close();
  });

  it('gives up on a slow page at the timeout and on a malformed page, inventing nothing', async () => {
    fake.setMode('slow');
    const slow = web({ pauseMs: 0, retries: 0, timeoutMs: 300 });
    expect((await failure(slow.search(query))).code).toBe('upstream_failed');
    await slow.close();
    fake.setMode('malformed');
    const broken = web({ pauseMs: 0, retries: 0 });
    expect((await failure(broken.search(query))).code).toBe('upstream_failed');
    await broken.close();
  });

  it('goes through HTTP_PROXY_URL when set', async () => {
    fake.setMode('normal');
    const tunnels: string[] = [];
    const proxy: Server = createServer();
    proxy.on('connect', (req, client, head) => {
      tunnels.push(String(req.url));
      const [host, port] = String(req.url).split(':');
      const upstream = connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const pages = web({ pauseMs: 0 }, `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`);
    expect(await pages.search(query)).toHaveLength(60);
    expect(tunnels).toEqual([new URL(fake.baseUrl).host]);
    await pages.close();
    await new Promise((resolve) => proxy.close(resolve));
  });
});
