import { ServerResponse } from 'node:http';
import type { HttpBindings } from '@hono/node-server';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import { handleError, notFound, unavailable } from './errors.ts';
import { healthRoutes, type Liveness, type Readiness } from './routes/health.ts';
import { metricsRoutes } from './routes/metrics.ts';

/** What http knows of the database: whether it answers, and what an error a request met says about it. */
export interface DatabaseHealth {
  /** `down` while unreachable (every route but health answers 503); `failed` once it cannot come back. */
  state(): 'up' | 'down' | 'failed';
  /** `outage` when the error means the server is unreachable (and marks it down); `invalid_text` for text it refused. */
  classify(error: unknown): 'outage' | 'invalid_text' | undefined;
}

export interface AppDeps {
  log: Logger;
  metrics: Metrics;
  readiness: Readiness;
  liveness?: Liveness;
  database?: DatabaseHealth;
  /** `PUBLIC_URL`: https turns on Strict-Transport-Security. */
  publicUrl?: string | undefined;
  metricsToken?: string | undefined;
  /** No answer takes longer: past it the caller gets 503 with Retry-After instead of a hang. */
  deadlineMs?: number;
  /** Feature routes (webhooks, storefront, files) mounted by the composition root; each has its own Env. */
  // biome-ignore lint/suspicious/noExplicitAny: Hono's Env is invariant, so apps with different Variables share no narrower type.
  routes?: Array<{ path: string; app: Hono<any> }>;
}

export type AppEnv = { Variables: { requestId: string } };

/** How long a caller should wait before trying again while the database is away. */
export const RETRY_AFTER_SECONDS = 5;
const DEADLINE_MS = 4_000;

/** Builds the HTTP surface; no server is started here so tests can call `app.request()`. */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(frame(deps));
  app.route('/health', healthRoutes(deps.readiness, deps.liveness));
  app.route('/metrics', metricsRoutes(deps.metrics, deps.metricsToken));
  for (const { path, app: routes } of deps.routes ?? []) app.route(path, routes);
  app.notFound(notFound);
  app.onError(handleError(deps.log, deps.database));
  return app;
}

/**
 * What every request goes through, as one middleware (each Hono layer costs every request its own async frames, a
 * tenth of a storefront request's time when these were four): its request id, the security headers, the database
 * gate with its deadline, and the request metrics.
 */
function frame(deps: AppDeps): MiddlewareHandler<AppEnv> {
  const security = Object.entries(securityHeaders(deps.publicUrl?.startsWith('https://') ?? false));
  const gate = databaseGate(deps);
  return async (c, next) => {
    const started = performance.now();
    const id = requestIdOf(c);
    c.set('requestId', id);
    const headers: Array<[string, string]> = [['X-Request-Id', id], ...security];
    const outgoing = nodeResponseOf(c);
    // On the Node server Node merges them into whatever the handler answers, its own Response objects included,
    // the handler's own values winning; through Hono (app.request) they are set before the handler, so they ride
    // in the answer it builds.
    for (const [name, value] of headers) {
      if (outgoing) outgoing.setHeader(name, value);
      else c.header(name, value);
    }
    const refused = await gate(c, next);
    // Through Hono, a handler that returned its own Response object did not take them: add those it lacks.
    if (!outgoing && !refused) for (const [name, value] of headers) if (!c.res.headers.has(name)) c.header(name, value);
    const route = c.req.routePath === '/*' ? 'unmatched' : c.req.routePath;
    const seconds = (performance.now() - started) / 1000;
    deps.metrics.httpAnswered(c.req.method, route, (refused ?? c.res).status, seconds);
    return refused;
  };
}

/**
 * Node's own response when the app runs on @hono/node-server: headers set on it cost a fraction of Hono's (which
 * turn every answer's headers into a web Headers copy). Undefined under app.request().
 */
function nodeResponseOf(c: Context): ServerResponse | undefined {
  const outgoing = (c.env as Partial<HttpBindings> | undefined)?.outgoing;
  return outgoing instanceof ServerResponse && !outgoing.headersSent ? outgoing : undefined;
}

/** A caller's id is kept only when short and plain, so it is safe to log and to echo; else a new one. */
function requestIdOf(c: Context): string {
  const given = c.req.header('x-request-id');
  return given && given.length <= 64 && !/[^\w\-=]/.test(given) ? given : crypto.randomUUID();
}

/** Answers are never sniffed or cached; browsers keep to https once they have seen it. */
function securityHeaders(https: boolean): Record<string, string> {
  const headers: Record<string, string> = { 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' };
  if (https) headers['Strict-Transport-Security'] = 'max-age=31536000';
  return headers;
}

/**
 * While the database is away every route but health and metrics answers 503 with Retry-After at once, and no
 * request hangs past the deadline: a caller with an Idempotency-Key can always safely try again. Answers the 503
 * when it refused the request, undefined when the request went through in time.
 */
function databaseGate(deps: AppDeps) {
  const deadlineMs = deps.deadlineMs ?? DEADLINE_MS;
  const exempt = (c: Context) =>
    c.req.path === '/health' || c.req.path.startsWith('/health/') || c.req.path === '/metrics';
  return async (c: Context, next: () => Promise<void>): Promise<Response | undefined> => {
    if (exempt(c)) {
      await next();
      return undefined;
    }
    if (deps.database && deps.database.state() !== 'up') return unavailable(c);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(resolve, deadlineMs, 'late');
    });
    const outcome = await Promise.race([next().then(() => 'done' as const), late]);
    clearTimeout(timer);
    if (outcome === 'late') {
      deps.log.warn({ path: c.req.path, deadlineMs }, 'request passed its deadline; answered 503');
      return unavailable(c);
    }
    return undefined;
  };
}
