// The REST routes bodega uses, below `/api/v10`, answered the way Discord answers them: bodies validated against the
// v10 spec and Discord's own limits (50035 Invalid Form Body), interaction callbacks once and within 3 seconds
// (40060 / 10062), interaction tokens that stop working after their lifetime (50027), the bot token checked on
// bot routes (401), and 429s with `retry_after` when a test asks for them.
import type { Context } from 'hono';
import { Hono } from 'hono';
import { commandLimits } from './limits.ts';
import {
  applyCallback,
  createMessage,
  editMessage,
  invalidForm,
  Refusal,
  shown as shownMessage,
  unknownInteraction,
} from './messages.ts';
import { discordSpec } from './spec.ts';
import {
  type DiscordCall,
  type FakeInteraction,
  type FakeMessage,
  type FakeState,
  snowflake,
  tokenOpen,
} from './state.ts';

type Json = Record<string, unknown>;
type Files = DiscordCall['files'];

const invalidWebhookToken = () => new Refusal(401, 50027, 'Invalid Webhook Token');

const param = (c: Context, name: string) => c.req.param(name) ?? '';

/** Reads a JSON or multipart (`payload_json` + `files[n]`) body. */
async function readBody(c: Context): Promise<{ body: unknown; files: Files }> {
  const type = c.req.header('content-type') ?? '';
  if (type.startsWith('multipart/form-data')) {
    const form = await c.req.formData();
    const files: Files = [];
    for (const [key, value] of form.entries())
      if (/^files\[\d+\]$/.test(key) && typeof value !== 'string')
        files.push({ name: value.name, data: Buffer.from(await value.arrayBuffer()) });
    const payload = form.get('payload_json');
    return { body: typeof payload === 'string' ? JSON.parse(payload) : {}, files };
  }
  const text = await c.req.text();
  return { body: text ? JSON.parse(text) : undefined, files: [] };
}

function authOf(state: FakeState, header: string | undefined): DiscordCall['auth'] {
  if (!header) return 'none';
  return header === `Bot ${state.botToken}` ? 'bot' : 'wrong';
}

export function createRestApp(state: FakeState, gatewayUrl: () => string) {
  const spec = discordSpec();
  const app = new Hono();

  /** Validates, records and answers one call; `route` is the spec's template for the path. */
  function handle(
    route: string,
    options: { bot?: boolean; body?: boolean },
    work: (c: Context, body: unknown, files: Files) => unknown,
  ) {
    return async (c: Context) => {
      const call: DiscordCall = {
        method: c.req.method,
        path: c.req.path.replace(/^\/api\/v10/, ''),
        route,
        body: undefined,
        files: [],
        auth: authOf(state, c.req.header('authorization')),
        status: 200,
        at: state.now(),
      };
      state.calls.push(call);
      try {
        if (options.body) Object.assign(call, await readBody(c));
        const limited = takeRateLimit(state, route);
        if (limited) return tooMany(c, call, limited);
        if (call.auth === 'wrong' || (options.bot && call.auth !== 'bot'))
          throw new Refusal(401, 0, '401: Unauthorized');
        if (options.body) {
          const problems = spec.check(c.req.method, route, call.body);
          if (problems.length) throw invalidForm(problems);
        }
        const answer = await work(c, call.body, call.files);
        state.version++;
        if (answer === undefined) {
          call.status = 204;
          return c.body(null, 204);
        }
        return c.json(answer as Json);
      } catch (error) {
        if (!(error instanceof Refusal)) throw error;
        call.status = error.status;
        call.code = error.code;
        const errors = error.errors ? { errors: Object.fromEntries(error.errors.map((p) => [p.path, p.message])) } : {};
        return c.json({ message: error.message, code: error.code, ...errors }, error.status as 400);
      }
    };
  }

  function interaction(id: string, token: string): FakeInteraction {
    const found = state.interactions.get(id);
    if (!found || found.token !== token) throw unknownInteraction();
    return found;
  }
  function byToken(applicationId: string, token: string): FakeInteraction {
    const found = [...state.interactions.values()].find((it) => it.token === token);
    if (applicationId !== state.applicationId || !found) throw new Refusal(404, 10015, 'Unknown Webhook');
    if (!tokenOpen(state, found)) throw invalidWebhookToken();
    return found;
  }

  const create = (via: FakeMessage['via'], channelId: string, body: Json, files: Files, it?: FakeInteraction) =>
    createMessage(state, via, channelId, body, files, it);
  const edit = (message: FakeMessage | undefined, body: Json, files: Files) => editMessage(state, message, body, files);
  const shown = (message: FakeMessage) => shownMessage(state, message);
  const original = (it: FakeInteraction) => state.messages.find((m) => m.id === it.originalId);
  const findMessage = (it: FakeInteraction, id: string) =>
    id === '@original' ? original(it) : state.messages.find((m) => m.id === id && m.interactionId === it.id);

  app.get(
    '/api/v10/gateway/bot',
    handle('/gateway/bot', { bot: true }, () => ({
      url: gatewayUrl(),
      shards: 1,
      session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 },
    })),
  );
  app.get(
    '/api/v10/users/@me',
    handle('/users/@me', { bot: true }, () => state.bot),
  );

  app.post(
    '/api/v10/interactions/:id/:token/callback',
    handle('/interactions/{interaction_id}/{interaction_token}/callback', { body: true }, (c, raw, files) => {
      applyCallback(state, interaction(param(c, 'id'), param(c, 'token')), raw as { type: number }, files);
      return undefined;
    }),
  );

  app.post(
    '/api/v10/webhooks/:app/:token',
    handle('/webhooks/{webhook_id}/{webhook_token}', { body: true }, (c, body, files) => {
      const it = byToken(param(c, 'app'), param(c, 'token'));
      if (it.responded === undefined) throw new Refusal(404, 10015, 'Unknown Webhook');
      const message = create('followup', it.channelId, body as Json, files, it);
      return c.req.query('wait') === 'true' ? shown(message) : undefined;
    }),
  );

  app.patch(
    '/api/v10/webhooks/:app/:token/messages/:message',
    handle('/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}', { body: true }, (c, body, files) => {
      const it = byToken(param(c, 'app'), param(c, 'token'));
      return shown(edit(findMessage(it, param(c, 'message')), body as Json, files));
    }),
  );

  app.post(
    '/api/v10/channels/:channel/messages',
    handle('/channels/{channel_id}/messages', { bot: true, body: true }, (c, body, files) =>
      shown(create('channel', param(c, 'channel'), body as Json, files)),
    ),
  );

  app.patch(
    '/api/v10/channels/:channel/messages/:message',
    handle('/channels/{channel_id}/messages/{message_id}', { bot: true, body: true }, (c, body, files) => {
      const message = state.messages.find((m) => m.id === param(c, 'message') && m.channelId === param(c, 'channel'));
      return shown(edit(message, body as Json, files));
    }),
  );

  const overwrite = (list: unknown[], store: (saved: unknown[]) => void, applicationId: string) => {
    if (applicationId !== state.applicationId) throw new Refusal(403, 50001, 'Missing Access');
    const problems = commandLimits(list as Json[]);
    if (problems.length) throw invalidForm(problems);
    const saved = (list as Json[]).map((command) => ({
      ...command,
      id: snowflake(state.now()),
      application_id: state.applicationId,
      version: snowflake(state.now()),
    }));
    store(saved);
    return saved;
  };
  app.put(
    '/api/v10/applications/:app/commands',
    handle('/applications/{application_id}/commands', { bot: true, body: true }, (c, body) =>
      overwrite(body as unknown[], (saved) => (state.commands.global = saved), param(c, 'app')),
    ),
  );
  app.put(
    '/api/v10/applications/:app/guilds/:guild/commands',
    handle('/applications/{application_id}/guilds/{guild_id}/commands', { bot: true, body: true }, (c, body) =>
      overwrite(body as unknown[], (saved) => state.commands.guilds.set(param(c, 'guild'), saved), param(c, 'app')),
    ),
  );

  app.all('/api/v10/*', (c) => {
    state.calls.push({
      method: c.req.method,
      path: c.req.path.replace(/^\/api\/v10/, ''),
      route: 'unknown',
      body: undefined,
      files: [],
      auth: authOf(state, c.req.header('authorization')),
      status: 404,
      code: 0,
      at: state.now(),
    });
    return c.json({ message: '404: Not Found', code: 0 }, 404);
  });
  return app;
}

function takeRateLimit(state: FakeState, route: string) {
  const plan = state.rateLimits.find((each) => each.remaining > 0 && (!each.route || route.includes(each.route)));
  if (!plan) return undefined;
  plan.remaining--;
  return plan;
}

function tooMany(c: Context, call: DiscordCall, plan: { retryAfterS: number; global: boolean }) {
  call.status = 429;
  return c.json({ message: 'You are being rate limited.', retry_after: plan.retryAfterS, global: plan.global }, 429, {
    'Retry-After': String(plan.retryAfterS),
    'X-RateLimit-Scope': plan.global ? 'global' : 'user',
    ...(plan.global ? { 'X-RateLimit-Global': 'true' } : {}),
  });
}
