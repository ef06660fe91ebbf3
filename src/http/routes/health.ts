import { Hono } from 'hono';

/** `degraded`: running, with something still being set up or retried; `down`: configured but not working. */
export type CheckState = 'ok' | 'degraded' | 'down' | 'off';

export interface ReadinessChecks {
  database: CheckState;
  jobs: CheckState;
  telegram: CheckState;
  discord: CheckState;
  whatsapp: CheckState;
}

export interface ReadinessReport extends ReadinessChecks {
  /** One line per check that is not ok, saying why (what failed, what is being retried). */
  reasons?: Partial<Record<keyof ReadinessChecks, string>>;
}

/** Answers the current state of each dependency; never throws. */
export type Readiness = () => Promise<ReadinessReport>;

/** Whether the process can still recover by itself; when not, liveness fails so the platform restarts it. */
export type Liveness = () => { alive: true } | { alive: false; reason: string };

/**
 * Liveness (`/health`) and readiness (`/health/ready`: 503 while the database or jobs are down; `degraded` while
 * a platform is set up in the background or cannot run).
 */
export function healthRoutes(readiness: Readiness, liveness: Liveness = () => ({ alive: true })) {
  const app = new Hono();
  app.get('/', (c) => {
    const live = liveness();
    return live.alive ? c.json({ status: 'ok' }) : c.json({ status: 'failed', reason: live.reason }, 503);
  });
  app.get('/ready', async (c) => {
    const { reasons, ...checks } = await readiness();
    const ready = checks.database === 'ok' && checks.jobs !== 'down';
    const platforms = [checks.telegram, checks.discord, checks.whatsapp];
    const degraded = platforms.some((state) => state === 'degraded' || state === 'down');
    const status = !ready ? 'unavailable' : degraded ? 'degraded' : 'ok';
    const body = { status, checks, ...(reasons && Object.keys(reasons).length > 0 ? { reasons } : {}) };
    return c.json(body, ready ? 200 : 503);
  });
  return app;
}
