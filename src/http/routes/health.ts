import { Hono } from 'hono';

export type CheckState = 'ok' | 'down' | 'off';

export interface ReadinessReport {
  database: CheckState;
  jobs: CheckState;
  telegram: CheckState;
  discord: CheckState;
  whatsapp: CheckState;
}

/** Answers the current state of each dependency; never throws. */
export type Readiness = () => Promise<ReadinessReport>;

/** Liveness (`/health`) and readiness (`/health/ready`, 503 while the database or jobs are down). */
export function healthRoutes(readiness: Readiness) {
  const app = new Hono();
  app.get('/', (c) => c.json({ status: 'ok' }));
  app.get('/ready', async (c) => {
    const checks = await readiness();
    const ready = checks.database === 'ok' && checks.jobs !== 'down';
    return c.json({ status: ready ? 'ok' : 'unavailable', checks }, ready ? 200 : 503);
  });
  return app;
}
