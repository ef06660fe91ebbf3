// A real HTTP server on 127.0.0.1 that behaves like Meta's WhatsApp Cloud API (Graph) for what bodega does: sends
// validated against Meta's own spec and limits, real-shaped answers and errors, the 24-hour window on an injected
// clock, media upload, and signed webhooks for users' messages, replies and delivery statuses.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { ErrorCode } from './errors.ts';
import { createGraphApp } from './graph.ts';
import type { PhoneMessage } from './phone.ts';
import { specValidators } from './spec.ts';
import { createFakeState, type WhatsappFakeOptions, waIdOf } from './state.ts';
import { createUser, type DeliverOptions } from './user.ts';
import { type Delivery, repost } from './webhooks.ts';

export type { ErrorCode, GraphErrorBody } from './errors.ts';
export { ERROR_CATALOG } from './errors.ts';
export type { ApprovedTemplate, PhoneMessage } from './phone.ts';
export { HELLO_WORLD } from './phone.ts';
export type { GraphCall, WhatsappFakeOptions } from './state.ts';
export type { Delivery, MessageStatus, SignatureMode } from './webhooks.ts';
export { serializeLikeMeta, signatureFor } from './webhooks.ts';

export interface FailOptions {
  /** How many sends fail (default 1; Infinity until clearFailures). */
  times?: number;
  /** Only sends to this phone. */
  to?: string;
  /** `response` (default): the send answers the error. `status`: the send is accepted and a failed status queued. */
  via?: 'response' | 'status';
  /** Replaces the catalogue's `error_data.details`. */
  details?: string;
}

export async function createWhatsappFake(options: WhatsappFakeOptions = {}) {
  specValidators(); // parse and compile Meta's spec now (once per process), not inside the first request
  const state = createFakeState(options);
  let graphBase = '';
  const server = serve({ fetch: createGraphApp(state, () => graphBase).fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  graphBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const user = createUser(state);

  return {
    /** What WHATSAPP_GRAPH_BASE gets; requests go to `${graphBase}/v23.0/${phoneNumberId}/messages`. */
    graphBase,
    version: 'v23.0',
    token: state.token,
    appSecret: state.appSecret,
    verifyToken: state.verifyToken,
    phoneNumberId: state.business.phoneNumberId,
    displayPhoneNumber: state.business.displayPhoneNumber,
    wabaId: state.business.wabaId,
    /** Every Graph request, answered or refused, in order. */
    calls: state.calls,
    /** Every webhook the fake posted, with the exact bytes and headers. */
    deliveries: state.deliveries,
    setWebhookUrl(url: string) {
      state.webhookUrl = url;
    },

    /** What the user's phone shows from the business, oldest first (accepted sends only). */
    messagesTo: (phone: string): PhoneMessage[] => state.messages.filter((message) => message.to === waIdOf(phone)),
    /** Bytes and type of an uploaded media id. */
    media: (id: string) => state.media.get(id),
    /** Whether the business marked this incoming message as read (blue ticks). */
    wasMarkedRead: (messageId: string) => state.markedRead.has(messageId),

    /** The next sends (to one phone, or any) fail with this Graph error. */
    failNext(code: ErrorCode, failOptions: FailOptions = {}) {
      state.failures.push({
        code,
        remaining: failOptions.times ?? 1,
        to: failOptions.to === undefined ? undefined : waIdOf(failOptions.to),
        via: failOptions.via ?? 'response',
        details: failOptions.details,
      });
    },
    clearFailures() {
      state.failures.length = 0;
    },
    /** Sets when the user last wrote, without a webhook (the 24-hour window runs from here). */
    setLastInbound(phone: string, at: Date) {
      state.lastInbound.set(waIdOf(phone), at);
    },

    /** The user writes; opens their 24-hour window. */
    userSends: user.sends,
    /** The user taps reply button `buttonId` of message `messageId`. */
    userTaps: user.taps,
    /** The user picks row `rowId` of list message `messageId`. */
    userPicks: user.picks,
    /** Meta reports a delivery status (sent → delivered → read, or failed with `code`). */
    deliverStatus: user.status,
    /** Delivers the `failed` statuses queued by `via: 'status'` failures and out-of-window sends. */
    async deliverPendingStatuses(deliverOptions: DeliverOptions = {}) {
      const pending = state.pendingStatuses.splice(0);
      const deliveries = [];
      for (const { messageId, error } of pending)
        deliveries.push(await user.status(messageId, 'failed', { ...deliverOptions, ...error }));
      return deliveries;
    },
    /** Posts any webhook body, signed as asked. */
    deliver: user.deliver,
    /** Posts the same bytes and headers again, as Meta does when it retries. */
    async redeliver(delivery: Delivery) {
      const again = await repost(delivery);
      state.deliveries.push(again);
      return again;
    },
    /** Meta's verification handshake: `GET <webhook>?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`. */
    async verifyWebhook(query: { mode?: string; verifyToken?: string; challenge?: string } = {}) {
      if (!state.webhookUrl) throw new Error('fake whatsapp: no webhook URL set');
      const url = new URL(state.webhookUrl);
      url.searchParams.set('hub.mode', query.mode ?? 'subscribe');
      url.searchParams.set('hub.verify_token', query.verifyToken ?? state.verifyToken);
      url.searchParams.set('hub.challenge', query.challenge ?? '1158201444');
      const response = await fetch(url);
      return { status: response.status, body: await response.text() };
    },

    async waitFor<T>(probe: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = probe();
        if (value) return value;
        if (Date.now() > deadline) throw new Error('fake whatsapp: condition not met in time');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type WhatsappFake = Awaited<ReturnType<typeof createWhatsappFake>>;
