// The Graph routes bodega calls, each recorded: send/read (`POST /{version}/{phone-number-id}/messages`), media
// upload (`POST .../media`), media info (`GET /{version}/{media-id}`) and the media download URL that info returns.
import { type Context, Hono } from 'hono';
import { type GraphError, invalidParameter, invalidTokenError, unknownObject } from './errors.ts';
import { type Answer, handleMessagesPost } from './send.ts';
import type { FakeState } from './state.ts';

const VERSION = /^v\d+\.\d+$/;

export function createGraphApp(state: FakeState, baseUrl: () => string): Hono {
  const app = new Hono();

  async function record(c: Context, body: unknown, answer: () => Answer | Promise<Answer>) {
    const authorization = c.req.header('authorization');
    const version = c.req.param('version');
    const token = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
    let result: Answer;
    if (token !== state.token) result = invalidTokenError(Boolean(authorization));
    else if (version !== undefined && !VERSION.test(version))
      result = invalidParameter(`Unknown path components: /${version}`);
    else result = await answer();
    const path = new URL(c.req.url).pathname;
    state.calls.push({
      method: c.req.method,
      path,
      version,
      authorization,
      body,
      status: result.status,
      response: result.body,
      at: state.clock.now(),
    });
    return c.json(result.body, result.status as 200);
  }

  const samePhone = (c: Context): GraphError | undefined =>
    c.req.param('phoneNumberId') === state.business.phoneNumberId
      ? undefined
      : unknownObject(c.req.param('phoneNumberId') ?? '', 'post');

  app.post('/:version/:phoneNumberId/messages', async (c) => {
    const text = await c.req.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    return record(c, body, () => samePhone(c) ?? handleMessagesPost(state, body));
  });

  app.post('/:version/:phoneNumberId/media', async (c) => {
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const fields = Object.fromEntries(
      Object.entries(form).map(([key, value]) => [
        key,
        value instanceof File ? { filename: value.name, type: value.type, size: value.size } : value,
      ]),
    );
    return record(c, fields, async () => {
      const problem = samePhone(c);
      if (problem) return problem;
      const uploaded = await state.media.upload(form);
      return 'id' in uploaded ? { status: 200, body: uploaded } : uploaded;
    });
  });

  app.get('/:version/:mediaId', (c) =>
    record(c, undefined, () => {
      const media = state.media.get(c.req.param('mediaId'));
      if (!media) return unknownObject(c.req.param('mediaId'), 'get');
      return {
        status: 200,
        body: {
          messaging_product: 'whatsapp',
          url: `${baseUrl()}/whatsapp_business/attachments/?mid=${media.id}`,
          mime_type: media.mimeType,
          sha256: media.sha256,
          file_size: media.bytes.length,
          id: media.id,
        },
      };
    }),
  );

  // Like Meta's lookaside URL, the download needs the same bearer token.
  app.get('/whatsapp_business/attachments/', (c) => {
    if (c.req.header('authorization') !== `Bearer ${state.token}`) return c.json(invalidTokenError(false).body, 401);
    const media = state.media.get(c.req.query('mid') ?? '');
    if (!media) return c.body(null, 404);
    return c.body(new Uint8Array(media.bytes), 200, { 'content-type': media.mimeType });
  });

  app.notFound((c) =>
    record(c, undefined, () => invalidParameter(`Unknown path components: ${new URL(c.req.url).pathname}`)),
  );
  return app;
}
