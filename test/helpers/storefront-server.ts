import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { systemClock } from '../../src/clock.ts';
import { createApp } from '../../src/http/app.ts';
import { storefrontRoutes } from '../../src/http/routes/storefront/index.ts';
import { createLogger } from '../../src/logger.ts';
import { createMetrics } from '../../src/metrics.ts';

/** The real HTTP app with the storefront mounted, listening on a free loopback port. */
export async function startStorefrontServer(
  deps: Omit<Parameters<typeof storefrontRoutes>[0], 'clock'> & {
    clock?: Parameters<typeof storefrontRoutes>[0]['clock'];
  },
) {
  const app = createApp({
    log: createLogger({ level: 'silent', pretty: false }),
    metrics: createMetrics({ processMetrics: false }),
    readiness: async () => ({ database: 'ok', jobs: 'ok', telegram: 'off', discord: 'off', whatsapp: 'off' }),
    routes: [{ path: '/api/v1', app: storefrontRoutes({ clock: systemClock, ...deps }) }],
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
