import type { DeliveryStatus } from '../../src/chat/deliveries.ts';
import type { InboundProcessor, InboundReply, InboundUpdate } from '../../src/chat/inbound.ts';
import type { OutMessage } from '../../src/chat/layout.ts';
import { plainText, type Reply } from '../../src/chat/reply.ts';
import { type OutboxRef, type Prepared, SendError } from '../../src/chat/sender.ts';
import type { Clock } from '../../src/clock.ts';
import type { CommandInput } from '../../src/commands/context.ts';
import type { Router } from '../../src/commands/router.ts';
import { type Locale, translator } from '../../src/i18n/index.ts';
import type { Logger } from '../../src/logger.ts';
import type { Adapter, AdapterState } from '../core/adapter.ts';
import { characters, clip } from './format.ts';
import { OUTSIDE_WINDOW, OUTSIDE_WINDOW_REASON } from './graph-api.ts';
import type { WhatsappEvent } from './payloads.ts';

/** The 24-hour customer-service window: free-form messages reach a person only this long after they last wrote. */
export const WINDOW_MS = 24 * 60 * 60 * 1000;

/** What the adapter keeps in the database, handed over by the wiring. */
export interface WhatsappStore {
  /** Records an arrival durably (the dedupe and the hand-off); true when it is new. Throws when the store fails. */
  record(update: InboundUpdate): Promise<boolean>;
  /** The person wrote at `at`: their window opens and whatever waited for them goes back in the queue. */
  wrote(phone: string, at: Date): Promise<void>;
  windowOpen(phone: string): Promise<boolean>;
  /** The platform said the person's window is closed, whatever we last saw. */
  closeWindow(phone: string): Promise<void>;
  /** A message of ours carried outbox row `ref`: its statuses will find it. */
  sent(messageId: string, ref: OutboxRef): Promise<void>;
  status(report: {
    messageId: string;
    status: DeliveryStatus;
    error?: { code: number; title: string } | undefined;
    windowClosed: boolean;
  }): Promise<void>;
  buttons: {
    encode(command: string, maxBytes: number): Promise<string>;
    decode(data: string): Promise<string | undefined>;
  };
  menus: {
    remember(phone: string, commands: string[]): Promise<void>;
    choice(phone: string, n: number): Promise<string | undefined>;
  };
}

/** How messages leave: the Cloud API, or a linked WhatsApp Web session. */
export interface WhatsappTransport {
  mode: 'cloud' | 'web';
  layout(reply: Reply, locale: Locale): OutMessage[];
  /** Sends one message to a number (digits only); answers the platform's message id. Throws SendError. */
  send(phone: string, message: OutMessage): Promise<string>;
  /** Sends an approved template carrying `text` (Cloud API only). */
  sendTemplate?(phone: string, template: { name: string; language: string }, text: string): Promise<string>;
  markRead?(messageId: string): Promise<void>;
  limits: Adapter['limits'];
  start(): Promise<void>;
  stop(): Promise<void>;
  state(): AdapterState;
}

export interface WhatsappAdapterOptions {
  transport: WhatsappTransport;
  router: Router;
  store: WhatsappStore;
  log: Logger;
  clock: Clock;
  /** BODEGA's language, for what is said before the router knows who writes. */
  locale: Locale;
  /** A new arrival was recorded: have it run now. */
  onRecorded(): void;
  alertTemplate?: { name: string; language: string } | undefined;
}

export interface WhatsappAdapter extends Adapter {
  processor: InboundProcessor;
  /** Records parsed arrivals (the webhook and the web session both come here); throws when the store fails. */
  accept(events: WhatsappEvent[]): Promise<{ recorded: number; duplicates: number }>;
}

const ONLY_NUMBER = /^\s*(\d{1,2})\s*$/;
/** A template parameter takes no line breaks, tabs or runs of spaces, and at most this many characters. */
const TEMPLATE_TEXT_LIMIT = 1000;

/** WhatsApp by either door: arrivals are recorded, run by the inbound worker through the router, answered via the outbox. */
export function createWhatsappAdapter(options: WhatsappAdapterOptions): WhatsappAdapter {
  const { transport, store, log } = options;

  async function accept(events: WhatsappEvent[]) {
    // All at once: the store records them together (one statement, in this order), not one round trip each.
    const outcomes = await Promise.all(
      events.map((event) => {
        const updateId = event.kind === 'message' ? event.messageId : `status:${event.messageId}:${event.status}`;
        return store.record({ platform: 'whatsapp', updateId, chatKey: event.phone, payload: event });
      }),
    );
    const recorded = outcomes.filter(Boolean).length;
    if (recorded > 0) options.onRecorded();
    return { recorded, duplicates: events.length - recorded };
  }

  /**
   * The command a message stands for: its text, the button or row chosen, or the numbered choice of the last menu
   * (web mode). `null` for a number that answers no menu.
   */
  async function commandOf(event: Extract<WhatsappEvent, { kind: 'message' }>): Promise<string | undefined | null> {
    if (event.choice !== undefined) return store.buttons.decode(event.choice);
    const text = event.text ?? '';
    const number = transport.mode === 'web' ? ONLY_NUMBER.exec(text)?.[1] : undefined;
    if (number === undefined) return text;
    return (await store.menus.choice(event.phone, Number(number))) ?? null;
  }

  const say = (key: 'whatsapp.text_only' | 'whatsapp.no_menu', phone: string): InboundReply => ({
    target: { platform: 'whatsapp', chatId: phone },
    locale: options.locale,
    reply: { blocks: [{ kind: 'text', spans: [translator(options.locale)(key)] }], error: true },
  });

  async function runMessage(event: Extract<WhatsappEvent, { kind: 'message' }>): Promise<InboundReply | undefined> {
    await store.wrote(event.phone, new Date(event.sentAt * 1000));
    transport.markRead?.(event.messageId).catch((error) => log.debug({ err: error }, 'whatsapp read receipt not sent'));
    const target = { platform: 'whatsapp', chatId: event.phone };
    if (event.unsupported) return say('whatsapp.text_only', event.phone);
    const command = await commandOf(event);
    if (command === null) return say('whatsapp.no_menu', event.phone);
    if (command === undefined || command.trim() === '') return undefined;
    const input: CommandInput = {
      platform: 'whatsapp',
      identity: `whatsapp:+${event.phone}`,
      chat: { ...target, kind: 'private' },
      displayName: event.name ?? `+${event.phone}`,
      messageId: event.messageId,
      text: command,
      slashRequired: false,
    };
    const handled = await options.router.handle(input);
    return handled ? { target, reply: handled.reply, locale: handled.locale } : undefined;
  }

  const processor: InboundProcessor = {
    platform: 'whatsapp',
    async process({ updateId, payload }) {
      const event = payload as WhatsappEvent;
      if (event.kind === 'message') return runMessage(event);
      if (event.kind === 'status') {
        await store.status({
          messageId: event.messageId,
          status: event.status,
          error: event.error,
          windowClosed: event.error?.code === OUTSIDE_WINDOW,
        });
        if (event.status === 'failed')
          log.warn({ updateId, code: event.error?.code, title: event.error?.title }, 'whatsapp message failed');
        return undefined;
      }
      log.warn({ updateId }, 'stored whatsapp arrival is not runnable; skipped');
      return undefined;
    },
  };

  /** Outside the window an alert travels as the approved template when there is one; anything else waits. */
  async function prepare(phone: string, reply: Reply, locale: Locale): Promise<Prepared> {
    const messages = transport.layout(reply, locale);
    if (transport.mode === 'web' || (await store.windowOpen(phone))) return { messages };
    if (reply.alert && options.alertTemplate && transport.sendTemplate)
      return { messages: [{ kind: 'text', text: templateText(plainText(reply)), template: true }] };
    return { hold: OUTSIDE_WINDOW_REASON };
  }

  return {
    platform: 'whatsapp',
    processor,
    accept,
    limits: transport.limits,
    layout: (reply, locale) => transport.layout(reply, locale),
    prepare,
    async send(phone, message, ref) {
      // A bare number answers the last menu: remember it before the person can see it.
      if (transport.mode === 'web' && message.kind === 'text' && message.buttons)
        await store.menus.remember(
          phone,
          message.buttons.map((button) => button.command),
        );
      const messageId =
        message.kind === 'text' && message.template
          ? await (transport.sendTemplate as NonNullable<WhatsappTransport['sendTemplate']>)(
              phone,
              options.alertTemplate as { name: string; language: string },
              message.text,
            )
          : await transport.send(phone, message).catch(async (error: unknown) => {
              if (!(error instanceof SendError && error.hold)) throw error;
              // Our record said the window was open; WhatsApp says it is not. Try again at once: the next attempt
              // sees it closed, so an alert goes as the template and anything else waits for the person.
              await store.closeWindow(phone);
              throw new SendError(error.message, true, 0);
            });
      if (ref) await store.sent(messageId, ref);
      return { messageId };
    },
    ready: () => transport.mode === 'cloud' || transport.state() === 'ok',
    start: () => transport.start(),
    stop: () => transport.stop(),
    state: () => transport.state(),
  };
}

/** An alert flattened into one template parameter: no line breaks or runs of spaces, within the length. */
export function templateText(value: string): string {
  const flat = value
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' · ')
    .replace(/\s{2,}/g, ' ');
  return characters(flat) <= TEMPLATE_TEXT_LIMIT ? flat : clip(flat, TEMPLATE_TEXT_LIMIT);
}
