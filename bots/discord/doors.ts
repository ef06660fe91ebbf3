// Which door a Discord message goes through, decided per message when it is sent: the interaction's own (its
// response, then edits of the original and follow-ups) while its 15-minute token is open, else a channel message
// with the bot token. A reply that must leave this instance's HTTP response (`respondInline`) takes it first.
import type { RawFile, REST } from '@discordjs/rest';
import type { Button } from '../../src/chat/reply.ts';
import { SendError } from '../../src/chat/sender.ts';
import type { Clock } from '../../src/clock.ts';
import type { DiscordMessage } from './embeds.ts';
import { BUTTONS_PER_ROW, buttonLabel, CUSTOM_ID_LIMIT, escapeMarkdown } from './format.ts';
import { CallbackType, EPHEMERAL } from './interactions.ts';
import { discordRest } from './rest.ts';
import { Routes } from './routes.ts';

/** What bodega keeps of an interaction it has to answer. */
export interface StoredInteraction {
  id: string;
  token: string;
  channelId: string;
  receivedAt: Date;
  acknowledged: boolean;
  messageId: string | null;
  expired: boolean;
}

export interface InteractionStore {
  find(id: string): Promise<StoredInteraction | undefined>;
  update(id: string, change: { acknowledged?: true; messageId?: string; expired?: true }): Promise<void>;
}

/** How a laid-out message relates to its reply: the interaction it answers, and whether it is the first part. */
export interface Route {
  answers: string | undefined;
  first: boolean;
  ephemeral: boolean;
}

/** A message handle for an interaction's original response: what progress edits and task results refer to. */
export const interactionHandle = (id: string) => `interaction:${id}`;
const handleId = (handle: string | undefined) =>
  handle?.startsWith('interaction:') ? handle.slice('interaction:'.length) : undefined;

export interface DoorsOptions {
  rest: REST;
  applicationId: string;
  store: InteractionStore;
  clock: Clock;
  /** How long an interaction token is trusted (Discord's 15 minutes, less a margin for clocks and queues). */
  tokenLifetimeMs: number;
  encode(command: string, maxBytes: number): Promise<string>;
  /** Hands a response to the HTTP request still waiting for it on this instance; false when there is none. */
  respondInline(interactionId: string, body: unknown): boolean;
}

type Body = Record<string, unknown>;
type Sent = { messageId: string };

export function createDoors(options: DoorsOptions) {
  const { rest, applicationId, store, clock } = options;
  const open = (it: StoredInteraction) =>
    !it.expired && clock.now().getTime() - it.receivedAt.getTime() < options.tokenLifetimeMs;

  async function components(list: Button[] | undefined) {
    if (!list?.length) return [];
    const buttons = await Promise.all(
      list.map(async (button) => ({
        type: 2,
        style: 2,
        label: buttonLabel(button.label),
        custom_id: await options.encode(button.command, CUSTOM_ID_LIMIT),
      })),
    );
    const rows = [];
    for (let i = 0; i < buttons.length; i += BUTTONS_PER_ROW)
      rows.push({ type: 1, components: buttons.slice(i, i + BUTTONS_PER_ROW) });
    return rows;
  }

  /** The JSON body and the files of one message; mentions in user data never ping anyone. */
  async function payload(message: DiscordMessage): Promise<{ body: Body; files?: RawFile[] }> {
    const allowed_mentions = { parse: [] };
    if (message.kind === 'text') {
      // Embeds always, even none: an edit replaces what the message showed before (a progress line, an old card).
      const embeds = message.embeds ?? [];
      return {
        body: { content: message.text, embeds, components: await components(message.buttons), allowed_mentions },
      };
    }
    const caption = message.caption ? [...escapeMarkdown(message.caption)].slice(0, 2000).join('') : undefined;
    return {
      body: {
        ...(caption ? { content: caption } : {}),
        attachments: [{ id: '0', filename: message.filename }],
        allowed_mentions,
      },
      files: [{ name: message.filename, data: Buffer.from(message.data, 'base64'), contentType: message.mime }],
    };
  }

  async function respond(it: StoredInteraction, body: Body, files?: RawFile[]) {
    if (!files && options.respondInline(it.id, body)) return;
    await rest.post(Routes.interactionCallback(it.id, it.token), { body, auth: false, ...(files ? { files } : {}) });
  }

  async function editOriginal(it: StoredInteraction, message: DiscordMessage) {
    const { body, files } = await payload(message);
    const sent = (await rest.patch(Routes.webhookMessage(applicationId, it.token, '@original'), {
      body,
      auth: false,
      ...(files ? { files } : {}),
    })) as { id?: string };
    if (sent?.id && sent.id !== it.messageId) await store.update(it.id, { messageId: sent.id });
  }

  /**
   * The first part of a reply answers the interaction at once (type 4; a task's acknowledgement too: an original
   * response can be edited for as long as the token lives), or, once deferred, is edited in.
   */
  async function first(it: StoredInteraction, message: DiscordMessage, route: Route) {
    if (it.acknowledged) return editOriginal(it, message);
    const { body, files } = await payload(message);
    await respond(
      it,
      { type: CallbackType.Message, data: { ...body, ...(route.ephemeral ? { flags: EPHEMERAL } : {}) } },
      files,
    );
    await store.update(it.id, { acknowledged: true });
  }

  /** Sends through the interaction while its token is open; undefined when that door is closed. */
  async function throughInteraction(
    it: StoredInteraction,
    message: DiscordMessage,
    route: Route,
  ): Promise<Sent | undefined> {
    if (!open(it)) return undefined;
    try {
      if (route.first) {
        await first(it, message, route);
        return { messageId: interactionHandle(it.id) };
      }
      const { body, files } = await payload(message);
      const sent = (await rest.post(Routes.webhook(applicationId, it.token), {
        body: { ...body, ...(route.ephemeral ? { flags: EPHEMERAL } : {}) },
        auth: false,
        query: new URLSearchParams({ wait: 'true' }),
        ...(files ? { files } : {}),
      })) as { id: string };
      return { messageId: sent.id };
    } catch (error) {
      if (tokenClosed(error)) {
        await store.update(it.id, { expired: true });
        return undefined;
      }
      if (alreadyAnswered(error) && route.first) {
        await store.update(it.id, { acknowledged: true });
        await editOriginal(it, message);
        return { messageId: interactionHandle(it.id) };
      }
      throw toSendError(error);
    }
  }

  async function toChannel(channelId: string, message: DiscordMessage): Promise<Sent> {
    const { body, files } = await payload(message);
    const sent = (await call(() =>
      rest.post(Routes.channelMessages(channelId), { body, ...(files ? { files } : {}) }),
    )) as { id: string };
    return { messageId: sent.id };
  }

  return {
    async send(channelId: string, message: DiscordMessage, route: Route | undefined): Promise<Sent> {
      const id = handleId(route?.answers);
      const it = id ? await store.find(id) : undefined;
      const sent = it && route ? await throughInteraction(it, message, route) : undefined;
      return sent ?? toChannel(channelId, message);
    },

    /** Progress: edits the original response while the token is open, then the same message with the bot token. */
    async edit(channelId: string, messageId: string, message: DiscordMessage) {
      if (message.kind !== 'text') return;
      const id = handleId(messageId);
      const it = id ? await store.find(id) : undefined;
      if (id && !it) return;
      if (it && open(it)) {
        try {
          return await editOriginal(it, message);
        } catch (error) {
          if (!tokenClosed(error)) throw toSendError(error);
          await store.update(it.id, { expired: true });
        }
      }
      const target = it ? it.messageId : messageId;
      if (!target) return;
      const { body } = await payload(message);
      await call(() => rest.patch(Routes.channelMessage(it?.channelId ?? channelId, target), { body }));
    },

    /**
     * Acknowledges an interaction nobody has answered yet (gateway mode, near the 3-second deadline), with the
     * token it arrived with when its row is not written yet.
     */
    async deferIfSilent(id: string, token: string) {
      const it = await store.find(id);
      if (it?.acknowledged) return;
      try {
        await rest.post(Routes.interactionCallback(id, token), { body: { type: CallbackType.Deferred }, auth: false });
      } catch (error) {
        if (!alreadyAnswered(error)) throw error;
      }
      if (it) await store.update(id, { acknowledged: true });
    },
  };
}

export type Doors = ReturnType<typeof createDoors>;

async function call<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toSendError(error);
  }
}

/** Discord's answers once an interaction's token is no good: Invalid Webhook Token, Unknown Webhook/Interaction. */
export function tokenClosed(error: unknown): boolean {
  return error instanceof discordRest().DiscordAPIError && [50027, 10015, 10062, 10008].includes(Number(error.code));
}

/** Interaction has already been acknowledged: someone (the HTTP response, another instance) answered first. */
function alreadyAnswered(error: unknown): boolean {
  return error instanceof discordRest().DiscordAPIError && Number(error.code) === 40060;
}

/** Maps Discord's answers to the outbox's retry rules: 5xx and the network retry, other refusals are final. */
export function toSendError(error: unknown): unknown {
  const { DiscordAPIError, HTTPError } = discordRest();
  if (error instanceof DiscordAPIError) {
    // Unknown Message on @original: the response it edits may not be applied yet (an HTTP answer in flight).
    const notYet = Number(error.code) === 10008 && error.url.includes('/messages/@original');
    return new SendError(`${error.method} ${error.url}: ${error.code} ${error.message}`, error.status >= 500 || notYet);
  }
  if (error instanceof HTTPError) return new SendError(error.message, error.status >= 500);
  if (error instanceof SendError) return error;
  return new SendError(error instanceof Error ? error.message : String(error), true);
}
