import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { httpStatusFor, isAppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { DatabaseHealth } from './app.ts';

/** JSON 404 for any route we do not serve. */
export function notFound(c: Context) {
  return c.json({ error: 'not_found', message: 'No such route' }, 404);
}

/** 503 with Retry-After: the database is away; the same request may be sent again shortly. */
export function unavailable(c: Context) {
  c.header('Retry-After', '5');
  const requestId = c.get('requestId') as string | undefined;
  return c.json(
    { error: 'unavailable', message: 'The database is unavailable; try again shortly', request_id: requestId },
    503,
  );
}

/** The one place that turns a thrown error into an HTTP answer; stack traces stay in the log. */
export function handleError(log: Logger, database?: Pick<DatabaseHealth, 'classify'>) {
  return (error: Error, c: Context) => {
    const requestId = c.get('requestId') as string | undefined;
    if (isAppError(error)) {
      const status = httpStatusFor(error.code) as ContentfulStatusCode;
      return c.json({ error: error.code, message: error.message, ...error.details, request_id: requestId }, status);
    }
    if (error instanceof HTTPException) {
      return c.json({ error: 'http_error', message: error.message, request_id: requestId }, error.status);
    }
    const kind = database?.classify(error);
    if (kind === 'outage') {
      log.warn({ err: error, requestId, path: c.req.path }, 'database unreachable during a request; answered 503');
      return unavailable(c);
    }
    if (kind === 'invalid_text') {
      const message = 'The request holds text that cannot be stored (a NUL character or broken Unicode)';
      return c.json({ error: 'invalid_input', message, request_id: requestId }, 400);
    }
    log.error({ err: error, requestId, method: c.req.method, path: c.req.path }, 'unhandled error in http request');
    return c.json({ error: 'internal', message: 'Internal error', request_id: requestId }, 500);
  };
}
