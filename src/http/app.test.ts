import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { connect, type Database, ping } from '../../db/client.ts';
import { startEmbeddedPostgres } from '../../db/embedded.ts';
import { useTestDatabase } from '../../test/helpers/database.ts';
import { quietLog } from '../../test/helpers/database-url.ts';
import { outboxDepth } from '../chat/outbox/outbox.ts';
import { AppError } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { createMetrics } from '../metrics.ts';
import { createApp, type DatabaseHealth } from './app.ts';
import type { Readiness } from './routes/health.ts';

const log = createLogger({ level: 'silent', pretty: false });
const database = useTestDatabase();

function readinessOf(sql: Database['sql']): Readiness {
  return async () => ({
    database: (await ping(sql)) ? 'ok' : 'down',
    jobs: 'ok',
    telegram: 'off',
    discord: 'off',
    whatsapp: 'off',
  });
}

function appWith(readiness: Readiness, routes: Array<{ path: string; app: Hono }> = []) {
  return createApp({ log, metrics: createMetrics({ processMetrics: false }), readiness, routes });
}

describe('health', () => {
  it('answers liveness with status ok', async () => {
    const response = await appWith(readinessOf(database().sql)).request('/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('is ready when the database answers, and lists each check', async () => {
    const response = await appWith(readinessOf(database().sql)).request('/health/ready');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ok',
      checks: { database: 'ok', jobs: 'ok', telegram: 'off', discord: 'off', whatsapp: 'off' },
    });
  });

  it('answers 503 once the database server is stopped', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'bodega-ready-'));
    const server = await startEmbeddedPostgres({ dataDir, log: quietLog });
    const own = connect(server.url, 'embedded', 1);
    const app = appWith(readinessOf(own.sql));
    try {
      expect((await app.request('/health/ready')).status).toBe(200);
      await own.close();
      const reconnecting = connect(server.url, 'embedded', 1);
      await server.stop();
      const response = await appWith(readinessOf(reconnecting.sql)).request('/health/ready');
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ status: 'unavailable', checks: { database: 'down' } });
      await reconnecting.close();
    } finally {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('http conventions', () => {
  it('answers unknown routes with JSON 404', async () => {
    const response = await appWith(readinessOf(database().sql)).request('/no/such/route');
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: 'not_found' });
  });

  it('gives every response a request id, keeping one the caller sent only when short and plain', async () => {
    const app = appWith(readinessOf(database().sql));
    expect((await app.request('/health')).headers.get('x-request-id')).toMatch(/.{8,}/);
    const echoed = await app.request('/health', { headers: { 'X-Request-Id': 'trace-123' } });
    expect(echoed.headers.get('x-request-id')).toBe('trace-123');
    for (const sent of ['x'.repeat(100), 'has spaces', 'ñandú', '<script>']) {
      const answered = await app.request('/health', { headers: { 'X-Request-Id': sent } });
      expect(answered.headers.get('x-request-id')).not.toBe(sent);
      expect(answered.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('marks answers nosniff and no-store, and sends HSTS only when PUBLIC_URL is https', async () => {
    const plain = await appWith(readinessOf(database().sql)).request('/no/such/route');
    expect(plain.headers.get('x-content-type-options')).toBe('nosniff');
    expect(plain.headers.get('cache-control')).toBe('no-store');
    expect(plain.headers.get('strict-transport-security')).toBeNull();
    const secure = createApp({
      log,
      metrics: createMetrics({ processMetrics: false }),
      readiness: readinessOf(database().sql),
      publicUrl: 'https://shop.example.com',
    });
    expect((await secure.request('/health')).headers.get('strict-transport-security')).toBe('max-age=31536000');
  });

  it('sends the same headers over a real Node server, on its own Response objects too, where the handler has the last word', async () => {
    const routes = new Hono();
    routes.get('/json', (c) => c.json({ ok: true }));
    routes.get('/raw', () => new Response('raw', { headers: { 'content-type': 'text/plain' } }));
    routes.get('/own', () => new Response('own', { headers: { 'cache-control': 'private, max-age=60' } }));
    const app = appWith(readinessOf(database().sql), [{ path: '/t', app: routes }]);
    // Without a Node server (app.request) the handler's own value wins too.
    expect((await app.request('/t/own')).headers.get('cache-control')).toBe('private, max-age=60');
    expect((await app.request('/t/raw')).headers.get('x-content-type-options')).toBe('nosniff');
    const server = serve({ fetch: app.fetch, port: 0 });
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      for (const path of ['/t/json', '/t/raw', '/no/such/route']) {
        const answer = await fetch(`${base}${path}`, { headers: { 'X-Request-Id': 'trace-9' } });
        expect([answer.headers.get('x-content-type-options'), answer.headers.get('cache-control')]).toEqual([
          'nosniff',
          'no-store',
        ]);
        expect(answer.headers.get('x-request-id')).toBe('trace-9');
      }
      const own = await fetch(`${base}/t/own`);
      expect(own.headers.get('cache-control')).toBe('private, max-age=60');
      expect(await own.text()).toBe('own');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('serves /metrics only with the bearer token when METRICS_TOKEN is set', async () => {
    const token = 'metrics-token-0123456789';
    const app = createApp({
      log,
      metrics: createMetrics({ processMetrics: false }),
      readiness: readinessOf(database().sql),
      metricsToken: token,
    });
    expect((await app.request('/metrics')).status).toBe(401);
    expect((await app.request('/metrics', { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
    const allowed = await app.request('/metrics', { headers: { Authorization: `Bearer ${token}` } });
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toContain('bodega_http_requests_total');
  });

  it('counts every answer by method, matched route and status, with its duration', async () => {
    const app = appWith(readinessOf(database().sql));
    await app.request('/no/such/route');
    await app.request('/no/such/route');
    await app.request('/health');
    const text = await (await app.request('/metrics')).text();
    expect(text).toContain('bodega_http_requests_total{method="GET",route="unmatched",status="404"} 2');
    expect(text).toContain('bodega_http_requests_total{method="GET",route="/health",status="200"} 1');
    expect(text).toContain('bodega_http_request_duration_seconds_count{method="GET",route="unmatched"} 2');
  });

  it('maps an AppError code to its status and never leaks a stack trace', async () => {
    const failing = new Hono();
    failing.get('/missing', () => {
      throw new AppError('not_found', 'No product with that SKU', { sku: 'X1' }, 'stock.no_product');
    });
    failing.get('/crash', () => {
      throw new Error('database password is hunter2');
    });
    const app = appWith(readinessOf(database().sql), [{ path: '/t', app: failing }]);
    const missing = await app.request('/t/missing');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: 'not_found', message: 'No product with that SKU', sku: 'X1' });
    const crash = await app.request('/t/crash');
    expect(crash.status).toBe(500);
    const body = await crash.text();
    expect(body).not.toContain('hunter2');
    expect(body).not.toContain('at ');
    expect(JSON.parse(body)).toMatchObject({ error: 'internal' });
  });

  it('exposes Prometheus metrics with request counts and durations', async () => {
    const app = createApp({ log, metrics: createMetrics(), readiness: readinessOf(database().sql) });
    await app.request('/health');
    await app.request('/health');
    const response = await app.request('/metrics');
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toContain('bodega_http_requests_total{method="GET",route="/health",status="200"} 2');
    expect(text).toContain('bodega_http_request_duration_seconds_count{method="GET",route="/health"} 2');
    expect(text).toContain('process_resident_memory_bytes');
  });

  it('reports the outbox backlog per platform on each scrape', async () => {
    const db = database().db;
    await database().sql`insert into outbox (platform, chat_id, reply, locale, idempotency_key)
      values ('telegram', '1', '{"blocks":[]}', 'es', 'depth:1'), ('telegram', '2', '{"blocks":[]}', 'es', 'depth:2')`;
    const metrics = createMetrics({ processMetrics: false, outboxDepth: () => outboxDepth(db) });
    const app = createApp({ log, metrics, readiness: readinessOf(database().sql) });
    expect(await (await app.request('/metrics')).text()).toContain('bodega_outbox_depth{platform="telegram"} 2');
    await database().sql`update outbox set status = 'sent' where idempotency_key = 'depth:1'`;
    expect(await (await app.request('/metrics')).text()).toContain('bodega_outbox_depth{platform="telegram"} 1');
  });
});

describe('while the database is away', () => {
  function withDatabase(health: DatabaseHealth, routes: Hono, deadlineMs?: number) {
    return createApp({
      log,
      metrics: createMetrics({ processMetrics: false }),
      readiness: readinessOf(database().sql),
      liveness: () => (health.state() === 'failed' ? { alive: false, reason: 'database gone' } : { alive: true }),
      database: health,
      routes: [{ path: '/t', app: routes }],
      ...(deadlineMs ? { deadlineMs } : {}),
    });
  }
  const healthAt = (state: 'up' | 'down' | 'failed', classify: DatabaseHealth['classify'] = () => undefined) => ({
    state: () => state,
    classify,
  });

  it('answers 503 with Retry-After on every route at once, and keeps /health up while it can recover', async () => {
    let ran = false;
    const routes = new Hono().get('/stock', (c) => {
      ran = true;
      return c.json({ ok: true });
    });
    const app = withDatabase(healthAt('down'), routes);
    const response = await app.request('/t/stock');
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(await response.json()).toMatchObject({ error: 'unavailable' });
    expect(ran).toBe(false);
    expect((await app.request('/health')).status).toBe(200);
  });

  it('fails /health once the database cannot come back, so the platform restarts the process', async () => {
    const response = await withDatabase(healthAt('failed'), new Hono()).request('/health');
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: 'failed', reason: 'database gone' });
  });

  it('answers 503 instead of 500 when a query meets a dead connection, and 400 for text Postgres refuses', async () => {
    const routes = new Hono()
      .get('/dead', () => {
        throw Object.assign(new Error('write CONNECTION_CLOSED'), { code: 'CONNECTION_CLOSED' });
      })
      .get('/nul', () => {
        throw Object.assign(new Error('invalid byte sequence'), { code: '22021' });
      });
    const classify: DatabaseHealth['classify'] = (error) =>
      (error as { code?: string }).code === '22021' ? 'invalid_text' : 'outage';
    const app = withDatabase(healthAt('up', classify), routes);
    const dead = await app.request('/t/dead');
    expect([dead.status, dead.headers.get('retry-after')]).toEqual([503, '5']);
    expect((await app.request('/t/nul')).status).toBe(400);
  });

  it('never lets a request hang past its deadline', async () => {
    const routes = new Hono().get('/stuck', () => new Promise<Response>(() => {}));
    const started = performance.now();
    const response = await withDatabase(healthAt('up'), routes, 30).request('/t/stuck');
    expect(response.status).toBe(503);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
