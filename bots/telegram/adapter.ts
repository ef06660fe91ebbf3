import { createHash, timingSafeEqual } from 'node:crypto';
import { Bot, GrammyError, HttpError, InputFile } from 'grammy';
import type { InlineKeyboardButton } from 'grammy/types';
import type { InboundProcessor, InboundReply, InboundUpdate } from '../../src/chat/inbound.ts';
import type { OutMessage } from '../../src/chat/layout.ts';
import type { Button } from '../../src/chat/reply.ts';
import { SendError } from '../../src/chat/sender.ts';
import { findInvalidText, parseJsonBody, readBody, refusal } from '../../src/chat/webhook-body.ts';
import type { CommandInput } from '../../src/commands/context.ts';
import { telegramMenu } from '../../src/commands/menus.ts';
import type { Registry } from '../../src/commands/registry.ts';
import type { Router } from '../../src/commands/router.ts';
import type { Logger } from '../../src/logger.ts';
import type { Adapter } from '../core/adapter.ts';
import { escapeHtml, telegramLayout } from './format.ts';
import { createPoller, forGrammy, type Poller } from './polling.ts';
import { chatOf, checkUpdate, type TelegramChat, type TelegramUpdate, type TelegramUser } from './updates.ts';

export interface TelegramAdapterOptions {
  token: string;
  apiRoot: string;
  /** Set in webhook mode; every update must carry it in X-Telegram-Bot-Api-Secret-Token. */
  webhookSecret?: string | undefined;
  router: Router;
  log: Logger;
  /** Records an update durably (the dedupe and the hand-off); true when it is new. Throws when the store fails. */
  record(update: InboundUpdate): Promise<boolean>;
  /** A new update was recorded: have it run now rather than at the next poll. */
  onRecorded(): void;
  buttons: {
    encode(command: string, maxBytes: number): Promise<string>;
    decode(data: string): Promise<string | undefined>;
  };
  /** Bound on each call made while setting up (getMe, setMyCommands, setWebhook). */
  setupTimeoutMs?: number;
}

export interface TelegramAdapter extends Adapter {
  /** Runs recorded updates: the inbound worker calls it. */
  processor: InboundProcessor;
  /** `POST /webhooks/telegram`: 401 on a wrong secret, 413 for an oversized body, 400 for a body that is not an update. */
  handleWebhook(request: Request): Promise<Response>;
  setWebhook(url: string): Promise<void>;
  setCommands(registry: Registry): Promise<void>;
  /** Long polling, for when there is no PUBLIC_URL; only one instance may poll. */
  startPolling(): void;
}

const CALLBACK_DATA_BYTES = 64;
const DOCUMENT_BYTES = 50 * 1024 * 1024;
const PHOTO_BYTES = 10 * 1024 * 1024;

/** Telegram through grammY: updates are recorded, then run by the inbound worker; replies go out through the outbox as HTML. */
export function createTelegramAdapter(options: TelegramAdapterOptions): TelegramAdapter {
  const bot = new Bot(options.token, { client: { apiRoot: options.apiRoot } });
  const log = options.log;
  const setupTimeout = () => forGrammy(AbortSignal.timeout(options.setupTimeoutMs ?? 10_000));
  let ready = false;
  let poller: Poller | undefined;

  /** Records an update bodega can run; answers whether it was new. Kinds bodega does not run are not kept. */
  async function accept(update: TelegramUpdate): Promise<'recorded' | 'duplicate' | 'ignored'> {
    const chatKey = chatOf(update);
    if (chatKey === undefined) return 'ignored';
    const fresh = await options.record({
      platform: 'telegram',
      updateId: String(update.update_id),
      chatKey,
      payload: update,
    });
    if (fresh) options.onRecorded();
    return fresh ? 'recorded' : 'duplicate';
  }

  async function run(chat: TelegramChat, from: TelegramUser | undefined, text: string, messageId: string) {
    if (!from || from.is_bot) return undefined;
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
    if (!handled) return undefined;
    const answer: InboundReply = {
      target: { platform: 'telegram', chatId: String(chat.id) },
      reply: handled.reply,
      locale: handled.locale,
    };
    return answer;
  }

  const processor: InboundProcessor = {
    platform: 'telegram',
    async process({ updateId, payload }) {
      const checked = checkUpdate(payload);
      if (!checked.ok) {
        log.warn({ updateId, problem: checked.message }, 'stored telegram update is not runnable; skipped');
        return undefined;
      }
      const { message, callback_query: query } = checked.update;
      if (message?.text !== undefined) return run(message.chat, message.from, message.text, String(message.message_id));
      if (!query?.data || !query.message) return undefined;
      await bot.api
        .answerCallbackQuery(query.id)
        .catch((error) => log.warn({ err: error, updateId }, 'telegram callback answer failed'));
      const command = await options.buttons.decode(query.data);
      return command ? run(query.message.chat, query.from, command, `cb:${query.id}`) : undefined;
    },
  };

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
    processor,
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
      const body = await readBody(request);
      if (!body.ok) return refusal(body);
      const parsed = parseJsonBody(body.value);
      if (!parsed.ok) return refusal(parsed);
      const checked = checkUpdate(parsed.value);
      if (!checked.ok) return refusal({ ok: false, status: 400, error: 'invalid_body', message: checked.message });
      try {
        const outcome = await accept(checked.update);
        return Response.json({ ok: true, ...(outcome === 'recorded' ? {} : { [outcome]: true }) });
      } catch (error) {
        log.error(
          { err: error, updateId: checked.update.update_id },
          'telegram update not recorded; asking for a retry',
        );
        return Response.json({ error: 'unavailable' }, { status: 503, headers: { 'Retry-After': '5' } });
      }
    },

    async setWebhook(url) {
      await bot.api.setWebhook(
        url,
        { secret_token: options.webhookSecret, allowed_updates: ['message', 'callback_query'] },
        setupTimeout(),
      );
    },

    async setCommands(registry) {
      await bot.api.setMyCommands(telegramMenu(registry, 'es'), {}, setupTimeout());
      await bot.api.setMyCommands(telegramMenu(registry, 'es'), { language_code: 'es' }, setupTimeout());
      await bot.api.setMyCommands(telegramMenu(registry, 'en'), { language_code: 'en' }, setupTimeout());
    },

    startPolling() {
      poller ??= createPoller({
        api: bot.api,
        log,
        accept: async (update) => {
          const problem = findInvalidText(update);
          const checked = problem ? { ok: false as const, message: problem } : checkUpdate(update);
          if (!checked.ok) {
            log.warn({ updateId: update.update_id, problem: checked.message }, 'telegram update skipped: not runnable');
            return;
          }
          await accept(checked.update);
        },
      });
      poller.start();
    },

    /** Checks the token with getMe, within the setup bound; throws (see `tokenRefused`) when it does not work. */
    async start() {
      await bot.init(setupTimeout());
      ready = true;
    },
    async stop() {
      await poller?.stop();
      ready = false;
    },
    state: () => (ready ? 'ok' : 'down'),
  };
  return adapter;
}

/** True when Telegram says the token itself is wrong (401, or 404 for a malformed one): retrying cannot help. */
export function tokenRefused(error: unknown): boolean {
  return error instanceof GrammyError && (error.error_code === 401 || error.error_code === 404);
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
