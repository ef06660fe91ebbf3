import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

/**
 * Hono's bodyLimit, without its cost for the common case: it reads `request.body`, which makes the Node adapter
 * build a full web Request and stream for every request. A body that declares its length (Node's parser holds it
 * to exactly that many bytes) is judged by the header, so the route then reads it through the adapter's fast
 * path. Bodies without a length (chunked) still go through Hono's streaming check.
 */
export function limitBody(maxSize: number, onError: (c: Context) => Response | Promise<Response>): MiddlewareHandler {
  const streaming = bodyLimit({ maxSize, onError });
  // Not async: passing a request on is the common case, and an async wrapper would cost it another frame.
  return (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const length = c.req.header('content-length');
    if (length !== undefined && /^\d+$/.test(length) && c.req.header('transfer-encoding') === undefined)
      return Number(length) > maxSize ? Promise.resolve(onError(c)) : next();
    return streaming(c, next);
  };
}
