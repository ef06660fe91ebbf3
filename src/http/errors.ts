import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { httpStatusFor, isAppError } from '../errors.ts';
import type { Logger } from '../logger.ts';

/** JSON 404 for any route we do not serve. */
export function notFound(c: Context) {
  return c.json({ error: 'not_found', message: 'No such route' }, 404);
}

/** The one place that turns a thrown error into an HTTP answer; stack traces stay in the log. */
export function handleError(log: Logger) {
  return (error: Error, c: Context) => {
    const requestId = c.get('requestId') as string | undefined;
    if (isAppError(error)) {
      const status = httpStatusFor(error.code) as ContentfulStatusCode;
      return c.json({ error: error.code, message: error.message, ...error.details, request_id: requestId }, status);
    }
    if (error instanceof HTTPException) {
      return c.json({ error: 'http_error', message: error.message, request_id: requestId }, error.status);
    }
    log.error({ err: error, requestId, method: c.req.method, path: c.req.path }, 'unhandled error in http request');
    return c.json({ error: 'internal', message: 'Internal error', request_id: requestId }, 500);
  };
}
