import { Readable } from 'node:stream';
import { Hono } from 'hono';
import type { FileStore } from '../../domain/files/index.ts';

/**
 * `GET /files/:token`: one signed, expiring file. Anything else (no token, a bad or expired one, a file gone) is the
 * same bare 404, so a prober learns nothing; the token only names a database row, never a path.
 */
export function filesRoutes(deps: { store: () => Promise<FileStore | undefined>; now: () => Date }) {
  const app = new Hono();
  app.get('/:token', async (c) => {
    const store = await deps.store();
    const found = store ? await store.open(c.req.param('token'), deps.now()) : undefined;
    if (!found) return c.text('Not found', 404);
    const { file, body } = found;
    const name = encodeURIComponent(file.filename);
    return new Response(Readable.toWeb(body) as ReadableStream, {
      headers: {
        'content-type': file.mime,
        'content-length': String(file.bytes),
        'content-disposition': `attachment; filename*=UTF-8''${name}`,
        'cache-control': 'private, no-store',
        'x-content-type-options': 'nosniff',
      },
    });
  });
  app.all('*', (c) => c.text('Not found', 404));
  return app;
}
