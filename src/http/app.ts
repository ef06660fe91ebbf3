import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import { handleError, notFound } from './errors.ts';
import { healthRoutes, type Readiness } from './routes/health.ts';
import { metricsRoutes } from './routes/metrics.ts';

export interface AppDeps {
  log: Logger;
  metrics: Metrics;
  readiness: Readiness;
  /** Feature routes (webhooks, storefront, files) mounted by the composition root; each has its own Env. */
  // biome-ignore lint/suspicious/noExplicitAny: Hono's Env is invariant, so apps with different Variables share no narrower type.
  routes?: Array<{ path: string; app: Hono<any> }>;
}

export type AppEnv = { Variables: { requestId: string } };

/** Builds the HTTP surface; no server is started here so tests can call `app.request()`. */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(requestId({ headerName: 'X-Request-Id' }));
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    const route = c.req.routePath === '/*' ? 'unmatched' : c.req.routePath;
    const labels = { method: c.req.method, route };
    deps.metrics.httpRequests.inc({ ...labels, status: String(c.res.status) });
    deps.metrics.httpDuration.observe(labels, (performance.now() - started) / 1000);
  });
  app.route('/health', healthRoutes(deps.readiness));
  app.route('/metrics', metricsRoutes(deps.metrics));
  for (const { path, app: routes } of deps.routes ?? []) app.route(path, routes);
  app.notFound(notFound);
  app.onError(handleError(deps.log));
  return app;
}
