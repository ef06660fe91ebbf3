import { createHash, timingSafeEqual } from 'node:crypto';
import { Bot, type Context, GrammyError, HttpError, InputFile } from 'grammy';
import type { InlineKeyboardButton, Update } from 'grammy/types';
import { z } from 'zod';
import type { OutMessage } from '../../src/chat/layout.ts';
import type { Button, Reply } from '../../src/chat/reply.ts';
import { SendError } from '../../src/chat/sender.ts';
import type { ChatTarget } from '../../src/chat/target.ts';
import type { CommandInput } from '../../src/commands/context.ts';
import { telegramMenu } from '../../src/commands/menus.ts';
import type { Registry } from '../../src/commands/registry.ts';
import type { Router } from '../../src/commands/router.ts';
import type { Locale } from '../../src/i18n/index.ts';
import type { Logger } from '../../src/logger.ts';
import type { Adapter } from '../core/adapter.ts';
import { escapeHtml, telegramLayout } from './format.ts';

export interface TelegramAdapterOptions {
  token: string;
  apiRoot: string;
  /** Set in webhook mode; every update must carry it in X-Telegram-Bot-Api-Secret-Token. */
  webhookSecret?: string | undefined;
  router: Router;
  log: Logger;
  /** True the first time an update id is seen; throws when the store fails (the webhook then asks for a retry). */
  firstDelivery(updateId: string): Promise<boolean>;
  /** Queues a reply through the outbox (durable, rate-limited, retried). */
  enqueue(target: ChatTarget, reply: Reply, locale: Locale, key: string): Promise<void>;
  buttons: {
    encode(command: string, maxBytes: number): Promise<string>;
    decode(data: string): Promise<string | undefined>;
  };
}

export interface TelegramAdapter extends Adapter {
  /** `POST /webhooks/telegram`: 401 on a missing or wrong secret, 400 for a body that is not an update. */
  handleWebhook(request: Request): Promise<Response>;
  setWebhook(url: string): Promise<void>;
  setCommands(registry: Registry): Promise<void>;
  /** Long polling, for when there is no PUBLIC_URL; only one instance may poll. */
  startPolling(): void;
}

const updateShape = z.looseObject({ update_id: z.number().int().nonnegative() });
const CALLBACK_DATA_BYTES = 64;
const DOCUMENT_BYTES = 50 * 1024 * 1024;
const PHOTO_BYTES = 10 * 1024 * 1024;

/** Telegram through grammY: inbound updates become CommandInput; replies go out through the outbox as HTML. */
export function createTelegramAdapter(options: TelegramAdapterOptions): TelegramAdapter {
  const bot = new Bot(options.token, { client: { apiRoot: options.apiRoot } });
  const log = options.log;
  let ready = false;

  bot.catch((error) => log.error({ err: error.error, updateId: error.ctx.update.update_id }, 'telegram update failed'));
  bot.on('message:text', (ctx) => handle(ctx, ctx.message.text, String(ctx.message.message_id)));
  bot.on('callback_query:data', async (ctx) => {
    await ctx.answerCallbackQuery().catch((error) => log.warn({ err: error }, 'telegram callback answer failed'));
    const command = await options.buttons.decode(ctx.callbackQuery.data);
    if (command) await handle(ctx, command, `cb:${ctx.callbackQuery.id}`);
  });

  async function handle(ctx: Context, text: string, messageId: string) {
    const chat = ctx.chat;
    const from = ctx.from;
    if (!chat || !from || from.is_bot) return;
    const input: CommandInput = {
      platform: 'telegram',
      identity: `telegram:${from.id}`,
      chat: { platform: 'telegram', chatId: String(chat.id), kind: chat.type === 'private' ? 'private' : 'group' },
      displayName: [from.first_name, from.last_name].filter(Boolean).join(' ') || from.username || String(from.id),
      languageCode: from.language_code,
      messageId,
      text,
      // In a private chat plain text is a command; in groups only /commands are for us.
      slashRequired: chat.type !== 'private',
      botUsername: bot.isInited() ? bot.botInfo.username : undefined,
    };
    const handled = await options.router.handle(input);
    if (!handled) return;
    await options.enqueue(
      { platform: 'telegram', chatId: String(chat.id) },
      handled.reply,
      handled.locale,
      `telegram:update:${ctx.update.update_id}`,
    );
  }

  async function processUpdate(update: Update) {
    if (!bot.isInited()) await bot.init();
    await bot.handleUpdate(update);
  }

  async function keyboard(list: Button[] | undefined) {
    if (!list?.length) return undefined;
    const buttons: InlineKeyboardButton[] = await Promise.all(
      list.map(async (button) => ({
        text: button.label,
        callback_data: await options.buttons.encode(button.command, CALLBACK_DATA_BYTES),
      })),
    );
    const rows: InlineKeyboardButton[][] = [];
    for (let i = 0; i < buttons.length; i += 3) rows.push(buttons.slice(i, i + 3));
    return { inline_keyboard: rows };
  }

  async function call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw toSendError(error);
    }
  }

  const adapter: TelegramAdapter = {
    platform: 'telegram',
    limits: {
      global: [{ max: 30, perMs: 1_000 }],
      perChat: (chatId) =>
        chatId.startsWith('-')
          ? [
              { max: 1, perMs: 1_000 },
              { max: 20, perMs: 60_000 },
            ]
          : [{ max: 1, perMs: 1_000 }],
    },
    layout: telegramLayout,

    async send(chatId, message) {
      const sent = await call(async () => {
        if (message.kind === 'text') {
          return bot.api.sendMessage(chatId, message.text, {
            parse_mode: 'HTML',
            link_preview_options: { is_disabled: true },
            reply_markup: await keyboard(message.buttons),
          });
        }
        const bytes = Buffer.from(message.data, 'base64');
        const limit = message.kind === 'image' ? PHOTO_BYTES : DOCUMENT_BYTES;
        // Telegram refuses larger uploads; retrying cannot help (large reports travel as signed links instead).
        if (bytes.length > limit)
          throw new SendError(`${message.filename} is ${bytes.length} bytes; Telegram takes at most ${limit}`, false);
        const file = new InputFile(bytes, message.filename);
        const caption = message.caption ? { caption: escapeHtml(message.caption), parse_mode: 'HTML' as const } : {};
        return message.kind === 'image'
          ? bot.api.sendPhoto(chatId, file, caption)
          : bot.api.sendDocument(chatId, file, caption);
      });
      return { messageId: String(sent.message_id) };
    },

    async edit(chatId, messageId, message: OutMessage) {
      if (message.kind !== 'text') return;
      await call(() => bot.api.editMessageText(chatId, Number(messageId), message.text, { parse_mode: 'HTML' }));
    },

    async typing(chatId) {
      await bot.api.sendChatAction(chatId, 'typing');
    },

    async handleWebhook(request) {
      if (!secretMatches(options.webhookSecret, request.headers.get('x-telegram-bot-api-secret-token'))) {
        return Response.json({ error: 'unauthorized' }, { status: 401 });
      }
      const update = updateShape.safeParse(await request.json().catch(() => undefined));
      if (!update.success) return Response.json({ error: 'not_an_update' }, { status: 400 });
      try {
        if (!(await options.firstDelivery(String(update.data.update_id))))
          return Response.json({ ok: true, duplicate: true });
      } catch (error) {
        log.error({ err: error }, 'telegram dedupe store failed; asking for a retry');
        return Response.json({ error: 'unavailable' }, { status: 503 });
      }
      await processUpdate(update.data as unknown as Update);
      return Response.json({ ok: true });
    },

    async setWebhook(url) {
      await bot.api.setWebhook(url, {
        secret_token: options.webhookSecret,
        allowed_updates: ['message', 'callback_query'],
      });
    },

    async setCommands(registry) {
      await bot.api.setMyCommands(telegramMenu(registry, 'es'));
      await bot.api.setMyCommands(telegramMenu(registry, 'es'), { language_code: 'es' });
      await bot.api.setMyCommands(telegramMenu(registry, 'en'), { language_code: 'en' });
    },

    startPolling() {
      bot.use(async (ctx, next) => {
        if (await options.firstDelivery(String(ctx.update.update_id))) await next();
      });
      void bot.start({ allowed_updates: ['message', 'callback_query'], drop_pending_updates: false }).catch((error) => {
        ready = false;
        log.error({ err: error }, 'telegram polling stopped');
      });
    },

    async start() {
      await bot.init();
      ready = true;
    },
    async stop() {
      if (bot.isRunning()) await bot.stop();
      ready = false;
    },
    state: () => (ready ? 'ok' : 'down'),
  };
  return adapter;
}

/** Constant-time comparison of the secret header; no secret configured means no webhook is accepted. */
function secretMatches(expected: string | undefined, received: string | null): boolean {
  if (!expected || received === null) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(expected), digest(received));
}

/** Maps Telegram's answers to the outbox's retry rules: 429 waits retry_after, 4xx are final, the rest retry. */
function toSendError(error: unknown): unknown {
  if (error instanceof GrammyError) {
    if (error.error_code === 429)
      return new SendError(error.description, true, (error.parameters.retry_after ?? 1) * 1000);
    return new SendError(`${error.method}: ${error.description}`, error.error_code >= 500);
  }
  if (error instanceof HttpError) return new SendError(error.message, true);
  return error;
}
