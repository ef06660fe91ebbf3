import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import type { Metrics } from '../../metrics.ts';

/** Prometheus exposition of the process and application metrics; with a token, only for `Bearer <token>`. */
export function metricsRoutes(metrics: Metrics, token?: string) {
  const app = new Hono();
  app.get('/', async (c) => {
    if (token && !bearerMatches(token, c.req.header('authorization'))) {
      c.header('WWW-Authenticate', 'Bearer realm="metrics"');
      return c.json({ error: 'unauthorized', message: 'Send Authorization: Bearer <METRICS_TOKEN>' }, 401);
    }
    c.header('Content-Type', metrics.registry.contentType);
    return c.body(await metrics.registry.metrics());
  });
  return app;
}

/** Constant-time comparison of the bearer token. */
function bearerMatches(token: string, header: string | undefined): boolean {
  const given = header?.match(/^Bearer\s+(.+)$/i)?.[1] ?? '';
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(token), digest(given));
}
