import type { KeyObject } from 'node:crypto';
import type { REST } from '@discordjs/rest';
import type { InboundProcessor, InboundReply, InboundUpdate } from '../../src/chat/inbound.ts';
import type { OutMessage } from '../../src/chat/layout.ts';
import { type Reply, reply, text } from '../../src/chat/reply.ts';
import type { Clock } from '../../src/clock.ts';
import type { CommandInput } from '../../src/commands/context.ts';
import type { Registry } from '../../src/commands/registry.ts';
import type { Router } from '../../src/commands/router.ts';
import { type Locale, translator } from '../../src/i18n/index.ts';
import type { Logger } from '../../src/logger.ts';
import type { Adapter } from '../core/adapter.ts';
import { argKeyOf, commandLine, resolveInvocation } from './commands.ts';
import { createDoors, type InteractionStore, interactionHandle, type Route } from './doors.ts';
import { discordLayout, UPLOAD_LIMIT } from './format.ts';
import {
  CallbackType,
  channelOf,
  checkInteraction,
  commandDataOf,
  customIdOf,
  type Interaction,
  InteractionType,
  userOf,
} from './interactions.ts';
import { discordRest } from './rest.ts';
import { createWebhookHandler } from './webhook.ts';

/** What the adapter keeps in the database: interactions and their tokens, the inbound hand-off, button commands. */
export interface DiscordStore extends InteractionStore {
  /** Remembers an interaction's token and channel before it is recorded. */
  remember(interaction: { id: string; token: string; channelId: string }): Promise<void>;
  /** Records an interaction durably (the dedupe and the hand-off); true when it is new. */
  record(update: InboundUpdate): Promise<boolean>;
  buttons: {
    encode(command: string, maxBytes: number): Promise<string>;
    decode(data: string): Promise<string | undefined>;
  };
}

/** Autocomplete choices for one option, already scoped to what the user's role may see. */
export type Completer = (input: CommandInput, path: string[], arg: string, partial: string) => Promise<string[]>;

export interface DiscordAdapterOptions {
  token: string;
  applicationId: string;
  /** DISCORD_PUBLIC_KEY as a Node key; without it no HTTP interaction is accepted. */
  publicKey: KeyObject | undefined;
  apiBase: string;
  router: Router;
  registry: Registry;
  complete: Completer;
  store: DiscordStore;
  log: Logger;
  clock: Clock;
  /** A new interaction was recorded: run it now rather than at the next poll. */
  onRecorded(): void;
  /** How long the HTTP request waits for the reply before it defers (type 5); Discord gives 3 s in all. */
  answerWithinMs?: number;
  /** The whole budget from a request's arrival to its answer, recording included (Discord allows 3 s). */
  responseDeadlineMs?: number;
  tokenLifetimeMs?: number;
}

export interface DiscordAdapter extends Adapter {
  processor: InboundProcessor;
  rest: REST;
  /** `POST /webhooks/discord`. */
  handleWebhook(request: Request): Promise<Response>;
  /** An interaction that came over the gateway: recorded like a webhook one, answered through REST. */
  acceptFromGateway(raw: unknown): Promise<void>;
}

const TOKEN_LIFETIME_MS = 14 * 60_000 + 30_000;
/** Discord waits 3 s for the first response; half a second is left for the network both ways. */
const RESPONSE_DEADLINE_MS = 2_500;
const LATE = Symbol('late');

/** The work's result, or LATE when `ms` pass first (the work goes on; its rejection is the caller's). */
async function within<T>(work: Promise<T>, ms: number): Promise<T | typeof LATE> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<typeof LATE>((resolve) => {
    timer = setTimeout(() => resolve(LATE), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Discord through @discordjs/rest: interactions are recorded, run by the inbound worker, answered per door. */
export function createDiscordAdapter(options: DiscordAdapterOptions): DiscordAdapter {
  const { log, store, clock } = options;
  const rest = new (discordRest().REST)({ api: options.apiBase, version: '10' }).setToken(options.token);
  const answerWithin = options.answerWithinMs ?? 1_500;
  const deadline = options.responseDeadlineMs ?? RESPONSE_DEADLINE_MS;
  const waiting = new Map<string, (body: unknown) => void>();
  const routes = new WeakMap<OutMessage, Route>();
  const doors = createDoors({
    rest,
    applicationId: options.applicationId,
    store,
    clock,
    tokenLifetimeMs: options.tokenLifetimeMs ?? TOKEN_LIFETIME_MS,
    encode: store.buttons.encode,
    respondInline(id, body) {
      const resolve = waiting.get(id);
      waiting.delete(id);
      resolve?.(body);
      return resolve !== undefined;
    },
  });
  let ready = false;

  /** Remembers and records an interaction; answers whether it was new. */
  async function accept(interaction: Interaction): Promise<boolean> {
    const channelId = channelOf(interaction) as string;
    await store.remember({ id: interaction.id, token: interaction.token, channelId });
    const fresh = await store.record({
      platform: 'discord',
      updateId: interaction.id,
      chatKey: channelId,
      // The token stays out of the hand-off: it is kept sealed with the interaction (store.remember).
      payload: { ...interaction, token: '' },
    });
    if (fresh) options.onRecorded();
    return fresh;
  }

  /** Milliseconds left of the response budget for an interaction that arrived at `arrivedAt` (performance.now()). */
  const left = (arrivedAt: number) => Math.max(0, deadline - (performance.now() - arrivedAt));

  /**
   * Waits for the reply to leave through this HTTP response; past the budget, defers and lets the outbox edit it
   * in. The budget counts from the request's arrival, recording included, in real time: Discord's 3 seconds are
   * wall-clock seconds, whatever clock the rest of bodega is given.
   */
  async function answerInline(interaction: Interaction, arrivedAt: number): Promise<unknown> {
    const deferred = { type: CallbackType.Deferred };
    if (waiting.has(interaction.id)) return deferred;
    const answered = new Promise<unknown>((resolve) => waiting.set(interaction.id, resolve));
    const recording = accept(interaction);
    const recorded = await within(recording, left(arrivedAt)).catch((error) => {
      waiting.delete(interaction.id);
      throw error;
    });
    if (recorded === LATE) {
      // The database is slow: answer Discord now; the reply edits the deferred response in once it runs.
      waiting.delete(interaction.id);
      void recording
        .then((fresh) => (fresh ? store.update(interaction.id, { acknowledged: true }) : undefined))
        .catch((error) => log.error({ err: error, interactionId: interaction.id }, 'late discord interaction lost'));
      return deferred;
    }
    if (!recorded) {
      waiting.delete(interaction.id);
      return deferred;
    }
    const outcome = await within(answered, Math.min(answerWithin, left(arrivedAt)));
    if (outcome !== LATE) return outcome;
    if (!waiting.delete(interaction.id)) return answered;
    const marked = store.update(interaction.id, { acknowledged: true });
    await within(marked, left(arrivedAt)).catch((error) =>
      log.warn({ err: error, interactionId: interaction.id }, 'discord deferral not marked; the outbox will see 40060'),
    );
    return deferred;
  }

  function inputFor(interaction: Interaction, line: string): CommandInput {
    const who = userOf(interaction) as NonNullable<ReturnType<typeof userOf>>;
    return {
      platform: 'discord',
      identity: `discord:${who.id}`,
      chat: {
        platform: 'discord',
        chatId: channelOf(interaction) as string,
        kind: interaction.guild_id ? 'group' : 'private',
      },
      displayName: interaction.member?.nick || who.global_name || who.username,
      languageCode: interaction.locale,
      messageId: interaction.id,
      text: line,
      slashRequired: false,
    };
  }

  async function lineOf(interaction: Interaction): Promise<string | undefined> {
    const data = commandDataOf(interaction);
    if (interaction.type === InteractionType.Command && data) {
      const invoked = resolveInvocation(options.registry, data.name, data.options);
      return invoked ? commandLine(invoked) : `/${data.name}`;
    }
    const customId = customIdOf(interaction);
    return customId ? options.store.buttons.decode(customId) : undefined;
  }

  async function choices(interaction: Interaction) {
    const data = commandDataOf(interaction);
    const invoked = data ? resolveInvocation(options.registry, data.name, data.options) : undefined;
    const focused = invoked?.options.find((option) => option.focused);
    const arg = focused && invoked ? argKeyOf(invoked.specs, focused.name) : undefined;
    if (!invoked || !focused || !arg) return [];
    const path = invoked.sub ? [invoked.command.name, invoked.sub.name] : [invoked.command.name];
    const found = await options.complete(
      inputFor(interaction, commandLine(invoked)),
      path,
      arg,
      String(focused.value ?? ''),
    );
    return [...new Set(found)]
      .slice(0, 25)
      .map((value) => [...value].slice(0, 100).join(''))
      .map((value) => ({ name: value, value }));
  }

  const processor: InboundProcessor = {
    platform: 'discord',
    async process({ updateId, payload }): Promise<InboundReply | undefined> {
      const checked = checkInteraction(payload, { stored: true });
      if (!checked.ok) {
        log.warn({ updateId, problem: checked.message }, 'stored discord interaction is not runnable; skipped');
        return undefined;
      }
      const interaction = checked.interaction;
      if (userOf(interaction)?.bot) return undefined;
      const line = await lineOf(interaction);
      if (!line) return undefined;
      const handled = await options.router.handle(inputFor(interaction, line));
      if (!handled) return undefined;
      const answer: Reply = { ...handled.reply, answers: interactionHandle(interaction.id) };
      return {
        target: { platform: 'discord', chatId: channelOf(interaction) as string },
        reply: answer,
        locale: handled.locale,
      };
    },
  };

  /** Lays a reply out, refusing files over Discord's upload limit with a clear line instead. */
  function prepareMessages(value: Reply, locale: Locale): OutMessage[] {
    const t = translator(locale);
    const messages = discordLayout(value, locale).map((message): OutMessage => {
      if (message.kind === 'text') return message;
      const bytes = Math.floor((message.data.length * 3) / 4);
      if (bytes <= UPLOAD_LIMIT) return message;
      const mb = (n: number) => (n / (1024 * 1024)).toFixed(1);
      const line = t('discord.file_too_large', { file: message.filename, size: mb(bytes), limit: mb(UPLOAD_LIMIT) });
      return discordLayout(reply(text(line)), locale)[0] as OutMessage;
    });
    messages.forEach((message, i) => {
      routes.set(message, {
        answers: value.answers,
        first: i === 0,
        ephemeral: Boolean(value.error),
      });
    });
    return messages;
  }

  const webhook = createWebhookHandler({
    publicKey: options.publicKey,
    applicationId: options.applicationId,
    log,
    accept: answerInline,
    choices,
  });

  return {
    platform: 'discord',
    processor,
    rest,
    // No window of our own: an answer in the HTTP response is no REST call at all, and for REST calls Discord's
    // 50 a second, its per-route buckets and 429s are @discordjs/rest's to honour (a second limit here held inline
    // answers to 50 a second).
    limits: { global: [], perChat: () => [] },
    layout: prepareMessages,
    async prepare(_chatId, value, locale) {
      return { messages: prepareMessages(value, locale) };
    },
    send: (chatId, message) => doors.send(chatId, message, routes.get(message)),
    edit: (chatId, messageId, message) => doors.edit(chatId, messageId, message),
    handleWebhook: webhook,

    async acceptFromGateway(raw) {
      const checked = checkInteraction(raw);
      if (!checked.ok)
        return log.warn({ problem: checked.message }, 'discord gateway interaction skipped: not runnable');
      const interaction = checked.interaction;
      if (interaction.type === InteractionType.Autocomplete) {
        const list = await choices(interaction);
        await rest.post(`/interactions/${interaction.id}/${interaction.token}/callback`, {
          body: { type: CallbackType.Choices, data: { choices: list } },
          auth: false,
        });
        return;
      }
      if (interaction.type !== InteractionType.Command && interaction.type !== InteractionType.Component) return;
      const arrivedAt = performance.now();
      // Over the gateway nothing holds the answer open: defer near the deadline if the reply is not out yet,
      // counted from arrival so a slow recording cannot push it past Discord's 3 seconds.
      const timer = setTimeout(
        () => {
          doors
            .deferIfSilent(interaction.id, interaction.token)
            .catch((error) => log.warn({ err: error }, 'discord deferral failed'));
        },
        Math.min(answerWithin, left(arrivedAt)),
      );
      timer.unref();
      if (
        !(await accept(interaction).catch((error) => {
          clearTimeout(timer);
          throw error;
        }))
      )
        clearTimeout(timer);
    },

    /** Checks the bot token (GET /users/@me); throws when Discord refuses it or cannot be reached. */
    async start() {
      await rest.get('/users/@me');
      ready = true;
    },
    async stop() {
      ready = false;
      for (const resolve of waiting.values()) resolve({ type: CallbackType.Deferred });
      waiting.clear();
    },
    state: () => (ready ? 'ok' : 'down'),
  };
}
