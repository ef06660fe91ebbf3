// A real HTTP server on 127.0.0.1 that behaves like Discord for what bodega does: the v10 REST routes it calls
// (validated against Discord's own spec and limits, answered in Discord's shapes), interaction tokens with their
// 3-second and 15-minute clocks, 429s on demand, a gateway WebSocket stand-in for discord.js, and a sender of
// Ed25519-signed interactions. `apiBase` is what DISCORD_API_BASE gets.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createGateway } from './gateway.ts';
import {
  type InteractionPayload,
  interactionPayload,
  postInteraction,
  type Signature,
  signedRequest,
  track,
  type Who,
} from './interactions.ts';
import { applyCallback, invalidForm, Refusal } from './messages.ts';
import { createRestApp } from './rest.ts';
import { slashData } from './slash.ts';
import { discordSpec } from './spec.ts';
import {
  createFakeState,
  type DiscordCall,
  type DiscordFakeOptions,
  type FakeInteraction,
  type FakeMessage,
} from './state.ts';

const CALLBACK_ROUTE = '/interactions/{interaction_id}/{interaction_token}/callback';

export type { InteractionPayload, Who } from './interactions.ts';
export type { DiscordCall, DiscordFakeOptions, FakeInteraction, FakeMessage } from './state.ts';

export async function startFakeDiscord(options: DiscordFakeOptions = {}) {
  discordSpec(); // parse Discord's spec now (once per process), not inside the first request
  const state = createFakeState(options);
  let origin = '';
  const server = serve({
    fetch: createRestApp(state, () => `ws://${origin.slice('http://'.length)}/gateway`).fetch,
    port: 0,
    hostname: '127.0.0.1',
  }) as Server;
  await new Promise((resolve) => server.once('listening', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const gateway = createGateway(state, server, () => `ws://${origin.slice('http://'.length)}/gateway`);
  let webhookUrl: string | undefined;

  /** The commands as registered (guild ones when a guild has any, else global), or those given. */
  const definitions = (guildId?: string) =>
    ((guildId && state.commands.guilds.get(guildId)) ||
      (state.commands.guilds.size ? [...state.commands.guilds.values()][0] : state.commands.global)) as Array<{
      name: string;
    }>;

  async function send(payload: InteractionPayload, signature: Signature = 'valid') {
    if (!webhookUrl) throw new Error('fake discord: no interactions endpoint URL set');
    const it = track(state, payload);
    const answer = await postInteraction(state, webhookUrl, payload, signature);
    if (answer.status === 200 && payload.type !== 1) respondedOverHttp(it, answer.body);
    return answer;
  }

  /** Discord applies the HTTP answer as the interaction's first response, checked like a REST callback. */
  function respondedOverHttp(it: FakeInteraction, body: unknown) {
    const call: DiscordCall = {
      method: 'RESPONSE',
      path: `/interactions/${it.id}/http-response`,
      route: CALLBACK_ROUTE,
      body,
      files: [],
      auth: 'none',
      status: 200,
      at: state.now(),
    };
    state.calls.push(call);
    try {
      const problems = discordSpec().check('POST', CALLBACK_ROUTE, body);
      if (problems.length) throw invalidForm(problems);
      applyCallback(state, it, body as { type: number }, []);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      call.status = error.status;
      call.code = error.code;
    }
  }

  return {
    apiBase: `${origin}/api`,
    origin,
    token: state.botToken,
    applicationId: state.applicationId,
    publicKey: state.publicKeyHex,
    botUser: state.bot,
    calls: state.calls,
    messages: state.messages,
    interactions: state.interactions,
    commands: state.commands,
    /** The application's Interactions Endpoint URL, as set in the Developer Portal. */
    setInteractionsUrl(url: string) {
      webhookUrl = url;
    },
    /** Moves the fake's clock (token lifetimes, the 3-second deadline) without touching bodega's. */
    advance: (ms: number) => state.advance(ms),
    /** Discord stops taking this interaction's token (as after 15 minutes). */
    expire(id: string) {
      const it = state.interactions.get(id);
      if (it) it.expired = true;
    },
    /** The next `times` calls (to a route containing `route`, or any) answer 429 with this `retry_after`. */
    rateLimitNext(retryAfterS: number, rateOptions: { times?: number; route?: string; global?: boolean } = {}) {
      state.rateLimits.push({
        retryAfterS,
        global: rateOptions.global ?? false,
        remaining: rateOptions.times ?? 1,
        ...(rateOptions.route ? { route: rateOptions.route } : {}),
      });
    },

    /** An interaction payload, not sent. */
    payload: (type: number, who: Who, data?: Record<string, unknown>) => interactionPayload(state, type, who, data),
    /** Someone runs `/line` (typed as in chat) from the registered definitions, or those given. */
    slash(line: string, who: Who, commands = definitions(who.guildId)) {
      return interactionPayload(state, 2, who, slashData(commands, line));
    },
    /** Someone types into option `focus` of `/line`: an autocomplete interaction. */
    autocomplete(line: string, focus: string, who: Who, commands = definitions(who.guildId)) {
      return interactionPayload(state, 4, who, slashData(commands, line, focus));
    },
    /** Someone presses the button with this label on a message. */
    press(message: FakeMessage, label: string, who: Who) {
      const button = message.components.flatMap((row) => row.components).find((b) => b.label === label);
      if (!button) throw new Error(`fake discord: no button "${label}" on message ${message.id}`);
      const payload = interactionPayload(state, 3, who, { custom_id: button.custom_id, component_type: 2 });
      return { ...payload, message: { id: message.id, channel_id: message.channelId, content: message.content } };
    },
    ping: () => interactionPayload(state, 1, { userId: '0', channelId: '0' }),

    /** Posts an interaction to the endpoint URL, signed as asked; the fake tracks its token from now. */
    send,
    /** Starts an interaction's clocks as if it had just been sent (for tests that answer it by hand). */
    trackSent: (payload: InteractionPayload) => void track(state, payload),
    /** A Request as Discord would post it (for handing to a handler directly), signed as asked. */
    request(url: string, payload: InteractionPayload, signature: Signature = 'valid') {
      track(state, payload);
      return new Request(url, { method: 'POST', ...signedRequest(state, payload, signature) });
    },
    /** Delivers an interaction over the gateway to the one live session. */
    dispatch(payload: InteractionPayload) {
      track(state, payload);
      gateway.deliver(payload);
    },
    /** Identified, open gateway sessions. */
    gatewaySessions: () => gateway.live(),

    /** Messages a channel shows, oldest first. */
    messagesIn: (channelId: string) => state.messages.filter((m) => m.channelId === channelId),
    /** The choices an autocomplete interaction was answered with over REST (the gateway path). */
    choicesFor: (id: string) => state.interactions.get(id)?.choices,
    async waitFor<T>(probe: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = probe();
        if (value) return value;
        if (Date.now() > deadline) throw new Error('fake discord: condition not met in time');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async close() {
      gateway.close();
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type FakeDiscord = Awaited<ReturnType<typeof startFakeDiscord>>;
