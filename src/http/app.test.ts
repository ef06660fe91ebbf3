import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
import { createApp } from './app.ts';
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
      await own.sql.end();
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

  it('gives every response a request id, keeping one the caller sent', async () => {
    const app = appWith(readinessOf(database().sql));
    expect((await app.request('/health')).headers.get('x-request-id')).toMatch(/.{8,}/);
    const echoed = await app.request('/health', { headers: { 'X-Request-Id': 'trace-123' } });
    expect(echoed.headers.get('x-request-id')).toBe('trace-123');
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
