// WhatsApp Web through whatsapp-web.js: a phone linked once with `bodega whatsapp login`, its session kept by
// LocalAuth in $DATA_DIR/whatsapp. The library drives a real Chromium; `WebClient` is the part of its Client bodega
// uses, so tests can drive the adapter through the same events and methods with real-shaped objects.
import { access, constants } from 'node:fs/promises';
import { join } from 'node:path';
import type { OutMessage } from '../../src/chat/layout.ts';
import { SendError } from '../../src/chat/sender.ts';
import type { Logger } from '../../src/logger.ts';
import type { AdapterState } from '../core/adapter.ts';
import type { WhatsappTransport } from './adapter.ts';
import { webLayout } from './format.ts';
import type { WhatsappEvent } from './payloads.ts';

/** A message as whatsapp-web.js hands it over (the fields bodega reads). */
export interface WebMessage {
  id: { _serialized: string };
  from: string;
  body: string;
  type: string;
  fromMe: boolean;
  /** Seconds since the epoch. */
  timestamp: number;
  isStatus?: boolean;
  _data?: { notifyName?: string };
  getContact?(): Promise<{ number?: string; pushname?: string }>;
}

/** The part of whatsapp-web.js's Client bodega uses. */
export interface WebClient {
  on(event: 'qr', listener: (qr: string) => void): unknown;
  on(event: 'ready', listener: () => void): unknown;
  on(event: 'message', listener: (message: WebMessage) => void): unknown;
  on(event: 'disconnected' | 'auth_failure', listener: (reason: string) => void): unknown;
  initialize(): Promise<void>;
  sendMessage(
    chatId: string,
    content: unknown,
    options?: { caption?: string; sendMediaAsDocument?: boolean; linkPreview?: boolean },
  ): Promise<{ id: { _serialized: string } }>;
  destroy(): Promise<void>;
}

export interface WebSessionOptions {
  /** $DATA_DIR/whatsapp: LocalAuth keeps the linked session here. */
  dataPath: string;
  chromiumPath: string | undefined;
  log: Logger;
  /** Builds the library's client (tests hand in their own). */
  createClient(): WebClient;
  /** Builds the library's MessageMedia. */
  media(mime: string, base64: string, filename: string): unknown;
  /** How long a linked session may take to open before start gives up and retries. */
  readyTimeoutMs?: number;
}

/** Why web mode cannot run here; retrying will not help until the operator acts. */
export class WebUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebUnavailableError';
  }
}

/** The session directory LocalAuth writes once a phone is linked. */
export const sessionDir = (dataPath: string) => join(dataPath, 'session');

/** What web mode needs before it can even try: a browser, and a phone linked with `bodega whatsapp login`. */
export async function checkWebPrerequisites(dataPath: string, chromiumPath: string | undefined): Promise<void> {
  if (!chromiumPath)
    throw new WebUnavailableError('no browser: set CHROMIUM_PATH to a Chromium (apt-get install chromium)');
  if (
    !(await access(chromiumPath, constants.X_OK).then(
      () => true,
      () => false,
    ))
  )
    throw new WebUnavailableError(`no browser at CHROMIUM_PATH=${chromiumPath}`);
  if (
    !(await access(sessionDir(dataPath)).then(
      () => true,
      () => false,
    ))
  )
    throw new WebUnavailableError('no phone linked: run bodega whatsapp login');
}

/** The person's number behind a message: `<digits>@c.us`, or a linked id (`@lid`) resolved through the contact. */
async function phoneOf(message: WebMessage): Promise<string | undefined> {
  const [user, server] = message.from.split('@');
  if (server === 'c.us' && user && /^\d{5,20}$/.test(user)) return user;
  if (server !== 'lid' || !message.getContact) return undefined;
  const contact = await message.getContact();
  return contact.number && /^\d{5,20}$/.test(contact.number) ? contact.number : undefined;
}

/** Turns a private message into the event the adapter records; groups, statuses and our own messages are not ours. */
export async function webEvent(message: WebMessage): Promise<WhatsappEvent | undefined> {
  if (message.fromMe || message.isStatus || message.from.endsWith('@g.us') || message.from === 'status@broadcast')
    return undefined;
  const phone = await phoneOf(message);
  if (!phone) return undefined;
  const base = {
    kind: 'message' as const,
    phone,
    name: message._data?.notifyName,
    messageId: message.id._serialized,
    sentAt: message.timestamp,
  };
  if (message.type === 'chat') return { ...base, text: message.body };
  return { ...base, unsupported: message.type };
}

/** Sends and receives through a linked WhatsApp Web session. */
export function createWebTransport(options: WebSessionOptions): WhatsappTransport & {
  /** Opens the linked session (only on the elected instance); arrivals go to `accept`. */
  connect(accept: (events: WhatsappEvent[]) => Promise<unknown>): Promise<void>;
  reason(): string | undefined;
} {
  const { log } = options;
  let client: WebClient | undefined;
  let state: AdapterState = 'down';
  /** Why the session is not up, for /health/ready; undefined once it is. */
  let problem: Error | undefined = new WebUnavailableError('waiting for the session (one instance holds it)');

  async function deliver(accept: (events: WhatsappEvent[]) => Promise<unknown>, message: WebMessage) {
    const event = await webEvent(message);
    if (!event) return;
    // The library does not deliver a message twice: keep trying while the database is away rather than lose it.
    for (let attempt = 1; ; attempt++) {
      try {
        await accept([event]);
        return;
      } catch (error) {
        if (attempt >= 10) return log.error({ err: error, messageId: event.messageId }, 'whatsapp message lost');
        log.warn({ err: error, attempt }, 'whatsapp message not recorded yet; retrying');
        await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 500 * 2 ** attempt)));
      }
    }
  }

  async function connect(accept: (events: WhatsappEvent[]) => Promise<unknown>) {
    const session = options.createClient();
    client = session;
    const ready = new Promise<void>((resolve, reject) => {
      session.on('ready', () => {
        state = 'ok';
        problem = undefined;
        log.info('whatsapp web session ready');
        resolve();
      });
      // A QR code at start means the linked session is gone: only the phone's owner can link it again.
      session.on('qr', () =>
        reject(new WebUnavailableError('the linked phone was logged out: run bodega whatsapp login')),
      );
      session.on('auth_failure', (message) => reject(new WebUnavailableError(`session refused: ${message}`)));
      setTimeout(
        () => reject(new Error('the session did not open in time')),
        options.readyTimeoutMs ?? 120_000,
      ).unref();
    });
    session.on('message', (message) => void deliver(accept, message));
    session.on('disconnected', (why) => {
      state = 'down';
      problem = new WebUnavailableError(`disconnected (${why}): run bodega whatsapp login if the phone unlinked it`);
      log.error({ reason: why }, 'whatsapp web session disconnected');
    });
    try {
      await Promise.all([session.initialize(), ready]);
    } catch (error) {
      state = 'down';
      problem = error instanceof Error ? error : new WebUnavailableError(String(error));
      client = undefined;
      await session.destroy().catch(() => undefined);
      throw error;
    }
  }

  async function send(phone: string, message: OutMessage): Promise<string> {
    if (!client || state !== 'ok')
      throw new SendError(`whatsapp web is not connected: ${problem?.message}`, true, 30_000);
    const chatId = `${phone}@c.us`;
    try {
      const sent =
        message.kind === 'text'
          ? await client.sendMessage(chatId, message.text, { linkPreview: false })
          : await client.sendMessage(chatId, options.media(message.mime, message.data, message.filename), {
              ...(message.caption ? { caption: message.caption } : {}),
              sendMediaAsDocument: message.kind === 'file',
            });
      return sent.id._serialized;
    } catch (error) {
      throw new SendError(error instanceof Error ? error.message : String(error), true);
    }
  }

  return {
    mode: 'web',
    layout: webLayout,
    // Unofficial and watched for spam: slower than the Cloud API on purpose.
    limits: { global: [{ max: 5, perMs: 1_000 }], perChat: () => [{ max: 20, perMs: 60_000 }] },
    send,
    connect,
    reason: () => problem?.message,
    start: () => checkWebPrerequisites(options.dataPath, options.chromiumPath),
    async stop() {
      state = 'down';
      problem = new WebUnavailableError('stopped');
      await client?.destroy().catch((error) => log.warn({ err: error }, 'whatsapp web session did not close cleanly'));
      client = undefined;
    },
    state: () => state,
  };
}
