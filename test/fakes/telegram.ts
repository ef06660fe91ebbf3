// A real HTTP server that behaves like Telegram's Bot API for the methods bodega uses, with Telegram's own
// validation (text and caption limits after entity parsing, HTML that must parse, callback_data of at most
// 64 bytes, command names), 429 answers on demand, a record of every call, and webhook delivery.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type Context, Hono } from 'hono';

export interface TelegramCall {
  method: string;
  params: Record<string, unknown>;
  /** performance.now() when the call arrived. */
  at: number;
  file?: { name: string; content: Buffer };
}

type Answer =
  | { ok: true; result: unknown }
  | { ok: false; error_code: number; description: string; parameters?: { retry_after: number } };

const ALLOWED_TAGS = new Set([
  'b',
  'strong',
  'i',
  'em',
  'u',
  'ins',
  's',
  'strike',
  'del',
  'a',
  'code',
  'pre',
  'blockquote',
  'tg-spoiler',
]);

/** Parses Telegram HTML the way the Bot API does; answers the visible text or the error Telegram would give. */
export function parseTelegramHtml(html: string): { text: string } | { error: string } {
  const stack: string[] = [];
  for (const match of html.matchAll(/<(\/?)([a-zA-Z-]+)([^>]*)>|<|&(?!(lt|gt|quot|amp|#\d+);)/g)) {
    if (match[0] === '<') return { error: `can't parse entities: unsupported start tag at byte offset ${match.index}` };
    if (match[0].startsWith('&'))
      return { error: `can't parse entities: unsupported entity at byte offset ${match.index}` };
    const [, closing, tag = ''] = match;
    if (!ALLOWED_TAGS.has(tag.toLowerCase())) return { error: `can't parse entities: unsupported start tag "${tag}"` };
    if (closing) {
      if (stack.pop() !== tag) return { error: `can't parse entities: unmatched end tag "${tag}"` };
    } else {
      stack.push(tag);
    }
  }
  if (stack.length > 0)
    return { error: `can't parse entities: can't find end tag corresponding to start tag "${stack.at(-1)}"` };
  const text = html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
  return { text };
}

/** Splits a multipart/form-data body into its parts (binary-safe), as the Bot API reads uploads. */
function parseMultipart(body: Buffer, boundary: string): Array<{ name: string; filename?: string; content: Buffer }> {
  const parts: Array<{ name: string; filename?: string; content: Buffer }> = [];
  const delimiter = Buffer.from(`--${boundary}`);
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next === -1) break;
    const chunk = body.subarray(start + delimiter.length + 2, next - 2);
    const headerEnd = chunk.indexOf('\r\n\r\n');
    const headers = chunk.subarray(0, headerEnd).toString('utf8');
    const name = headers.match(/name="([^"]*)"/i)?.[1] ?? '';
    const filename = headers.match(/filename="?([^";\r\n]*)"?/i)?.[1];
    parts.push({ name, ...(filename !== undefined ? { filename } : {}), content: chunk.subarray(headerEnd + 4) });
    start = next;
  }
  return parts;
}

export interface FakeTelegram {
  apiRoot: string;
  token: string;
  username: string;
  calls: TelegramCall[];
  /** The next call of `method` answers 429 with this retry_after (seconds). */
  failNext(method: string, retryAfterSeconds: number): void;
  webhook(): { url: string; secret: string | undefined } | undefined;
  /** Posts an update to the registered webhook the way Telegram does; answers the HTTP status. */
  deliver(update: Record<string, unknown>, options?: { secret?: string | null }): Promise<number>;
  /** Queues an update for getUpdates (polling). */
  queue(update: Record<string, unknown>): void;
  waitFor<T>(probe: () => T | undefined | false, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

/** `unimplemented`: methods this Bot API answers 404 to, like an emulator that does not have them. */
export async function startFakeTelegram(
  options: { token?: string; unimplemented?: string[] } = {},
): Promise<FakeTelegram> {
  const token = options.token ?? '123456:TEST-fake-token_abcdefghijklmnop';
  const username = 'bodega_test_bot';
  const calls: TelegramCall[] = [];
  const failures = new Map<string, number>();
  const updates: Array<Record<string, unknown>> = [];
  const messageIds = new Map<string, number>();
  let webhook: { url: string; secret: string | undefined } | undefined;
  let updateWaiters: Array<() => void> = [];

  const ok = (result: unknown): Answer => ({ ok: true, result });
  const bad = (description: string, code = 400): Answer => ({
    ok: false,
    error_code: code,
    description: `Bad Request: ${description}`,
  });

  function checkText(value: unknown, limit: number, field: string): Answer | string {
    if (typeof value !== 'string' || value.length === 0) return bad(`${field} must be non-empty`);
    const parsed = parseTelegramHtml(value);
    if ('error' in parsed) return bad(parsed.error);
    if (parsed.text.trim().length === 0) return bad(`${field} must be non-empty`);
    if (parsed.text.length > limit)
      return bad(field === 'caption' ? 'message caption is too long' : 'message is too long');
    return parsed.text;
  }

  function checkKeyboard(markup: unknown): Answer | undefined {
    const parsed = typeof markup === 'string' ? JSON.parse(markup) : markup;
    for (const row of (parsed as { inline_keyboard?: Array<Array<{ callback_data?: string; text?: string }>> })
      ?.inline_keyboard ?? []) {
      for (const button of row) {
        if (!button.text) return bad('BUTTON_TEXT_INVALID');
        if (
          button.callback_data !== undefined &&
          (Buffer.byteLength(button.callback_data) > 64 || button.callback_data === '')
        )
          return bad('BUTTON_DATA_INVALID');
      }
    }
    return undefined;
  }

  function nextMessage(chatId: unknown, text: string | undefined, extra: Record<string, unknown> = {}) {
    const key = String(chatId);
    const id = (messageIds.get(key) ?? 0) + 1;
    messageIds.set(key, id);
    return {
      message_id: id,
      date: Math.floor(Date.now() / 1000),
      chat: { id: Number(chatId), type: Number(chatId) < 0 ? 'group' : 'private' },
      ...(text === undefined ? {} : { text }),
      ...extra,
    };
  }

  const methods: Record<string, (params: Record<string, unknown>, call: TelegramCall) => Answer | Promise<Answer>> = {
    getMe: () =>
      ok({
        id: 987654321,
        is_bot: true,
        first_name: 'Bodega Test',
        username,
        can_join_groups: true,
        can_read_all_group_messages: false,
        supports_inline_queries: false,
      }),
    setWebhook: (p) => {
      webhook = { url: String(p.url), secret: p.secret_token === undefined ? undefined : String(p.secret_token) };
      return ok(true);
    },
    deleteWebhook: () => {
      webhook = undefined;
      return ok(true);
    },
    setMyCommands: (p) => {
      const list = (typeof p.commands === 'string' ? JSON.parse(p.commands) : p.commands) as Array<{
        command: string;
        description: string;
      }>;
      for (const entry of list) {
        if (!/^[a-z0-9_]{1,32}$/.test(entry.command)) return bad('BOT_COMMAND_INVALID');
        if (entry.description.length < 1 || entry.description.length > 256)
          return bad('BOT_COMMAND_DESCRIPTION_INVALID');
      }
      return ok(true);
    },
    sendChatAction: () => ok(true),
    answerCallbackQuery: (p) => (p.callback_query_id ? ok(true) : bad('query id is empty')),
    sendMessage: (p) => {
      const text = checkText(p.text, 4096, 'text');
      if (typeof text !== 'string') return text;
      return checkKeyboard(p.reply_markup) ?? ok(nextMessage(p.chat_id, text));
    },
    editMessageText: (p) => {
      const text = checkText(p.text, 4096, 'text');
      if (typeof text !== 'string') return text;
      if (Number(p.message_id) > (messageIds.get(String(p.chat_id)) ?? 0)) return bad('message to edit not found');
      return (
        checkKeyboard(p.reply_markup) ?? ok({ message_id: Number(p.message_id), chat: { id: Number(p.chat_id) }, text })
      );
    },
    sendDocument: (p, call) => sendFile(p, call, 'document'),
    sendPhoto: (p, call) => sendFile(p, call, 'photo'),
    getUpdates: async (p) => {
      const offset = Number(p.offset ?? 0);
      const pending = () => updates.filter((update) => Number(update.update_id) >= offset);
      if (pending().length === 0 && Number(p.timeout ?? 0) > 0) {
        await new Promise<void>((resolve) => {
          updateWaiters.push(resolve);
          setTimeout(resolve, Math.min(Number(p.timeout) * 1000, 2_000));
        });
      }
      return ok(pending());
    },
  };

  function sendFile(p: Record<string, unknown>, call: TelegramCall, field: 'document' | 'photo'): Answer {
    if (!call.file) return bad(`there is no ${field} in the request`);
    if (p.caption !== undefined) {
      const caption = checkText(p.caption, 1024, 'caption');
      if (typeof caption !== 'string') return caption;
    }
    return ok(
      nextMessage(p.chat_id, undefined, {
        [field]: { file_name: call.file.name, file_size: call.file.content.length },
      }),
    );
  }

  async function readParams(c: Context): Promise<{ params: Record<string, unknown>; file?: TelegramCall['file'] }> {
    const type = c.req.header('content-type') ?? '';
    if (type.includes('application/json')) return { params: (await c.req.json()) as Record<string, unknown> };
    if (type.includes('multipart/form-data')) {
      const boundary = type.match(/boundary=("?)([^";]+)\1/)?.[2] ?? '';
      const params: Record<string, unknown> = {};
      let file: TelegramCall['file'];
      for (const part of parseMultipart(Buffer.from(await c.req.arrayBuffer()), boundary)) {
        if (part.filename !== undefined) file = { name: part.filename, content: part.content };
        else params[part.name] = part.content.toString('utf8');
      }
      for (const [key, value] of Object.entries(params)) {
        if (typeof value === 'string' && value.startsWith('attach://') && file) params[key] = file.name;
      }
      return { params, ...(file ? { file } : {}) };
    }
    return { params: Object.fromEntries(new URL(c.req.url).searchParams) };
  }

  const app = new Hono();
  app.post('/bot:token/:method', async (c) => {
    if (c.req.param('token') !== token) return c.json({ ok: false, error_code: 401, description: 'Unauthorized' }, 401);
    const method = c.req.param('method');
    const { params, file } = await readParams(c);
    const call: TelegramCall = { method, params, at: performance.now(), ...(file ? { file } : {}) };
    calls.push(call);
    const retryAfter = failures.get(method);
    if (retryAfter !== undefined) {
      failures.delete(method);
      return c.json(
        {
          ok: false,
          error_code: 429,
          description: `Too Many Requests: retry after ${retryAfter}`,
          parameters: { retry_after: retryAfter },
        },
        429,
      );
    }
    const handler = options.unimplemented?.includes(method) ? undefined : methods[method];
    if (!handler) return c.json({ ok: false, error_code: 404, description: 'Not Found: method not found' }, 404);
    const answer = await handler(params, call);
    return c.json(answer, answer.ok ? 200 : (answer.error_code as 400));
  });

  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  const apiRoot = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    apiRoot,
    token,
    username,
    calls,
    failNext: (method, retryAfterSeconds) => void failures.set(method, retryAfterSeconds),
    webhook: () => webhook,
    async deliver(update, deliverOptions = {}) {
      if (!webhook) throw new Error('no webhook registered');
      const secret = deliverOptions.secret === undefined ? webhook.secret : deliverOptions.secret;
      const response = await fetch(webhook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}),
        },
        body: JSON.stringify(update),
      });
      await response.arrayBuffer();
      return response.status;
    },
    queue(update) {
      updates.push(update);
      for (const wake of updateWaiters) wake();
      updateWaiters = [];
    },
    async waitFor(probe, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = probe();
        if (value) return value;
        if (Date.now() > deadline) throw new Error('fake telegram: condition not met in time');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
