import { Hono } from 'hono';
import type { Metrics } from '../../metrics.ts';

/** Prometheus exposition of the process and application metrics. */
export function metricsRoutes(metrics: Metrics) {
  const app = new Hono();
  app.get('/', async (c) => {
    c.header('Content-Type', metrics.registry.contentType);
    return c.body(await metrics.registry.metrics());
  });
  return app;
}
