// Web mode through whatsapp-web.js's own surface: a client that emits the library's events with real-shaped
// messages and records what bodega sends, since WhatsApp itself cannot be reached from here.
import { EventEmitter } from 'node:events';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundUpdates } from '../../db/schema/chat.ts';
import { manualClock } from '../../src/clock.ts';
import { createWorkers } from '../../src/core.ts';
import { createLogger } from '../../src/logger.ts';
import { whatsappStore } from '../../src/wiring/whatsapp.ts';
import { createContractCore } from '../../test/helpers/contract-core.ts';
import { createTestDatabase } from '../../test/helpers/database.ts';
import { adapterContract, type ContractHarness, type Seen } from '../core/contract.ts';
import { createWhatsappAdapter } from './adapter.ts';
import { checkWebPrerequisites, createWebTransport, type WebClient, type WebMessage, webEvent } from './web.ts';

const OWNER = '5215500000001';
const VIEWER = '5215500000002';
const clock = manualClock(new Date(Date.now() + 60_000));
const log = createLogger({ level: 'silent', pretty: false });

interface Sent {
  chatId: string;
  content: unknown;
  options: Record<string, unknown> | undefined;
}
type Media = { mimetype: string; data: string; filename: string };

/** whatsapp-web.js's Client as bodega sees it: events in, sendMessage out. */
class FakeWebClient extends EventEmitter implements WebClient {
  sent: Sent[] = [];
  private sequence = 0;
  constructor(private readonly onInitialize: (client: FakeWebClient) => void = (client) => client.emit('ready')) {
    super();
  }
  async initialize() {
    this.onInitialize(this);
  }
  async sendMessage(chatId: string, content: unknown, options?: Record<string, unknown>) {
    this.sent.push({ chatId, content, options });
    return { id: { _serialized: `true_${chatId}_3EB0${String(++this.sequence).padStart(16, '0')}` } };
  }
  async destroy() {}
  /** The person writes from their phone. */
  receive(from: string, body: string, extra: Partial<WebMessage> = {}): WebMessage {
    const message: WebMessage = {
      id: { _serialized: `false_${from}_3A${String(++this.sequence).padStart(18, '0')}` },
      from,
      body,
      type: 'chat',
      fromMe: false,
      timestamp: Math.floor(clock.now().getTime() / 1000),
      isStatus: false,
      _data: { notifyName: 'Ana' },
      ...extra,
    };
    this.emit('message', message);
    return message;
  }
}

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let client: FakeWebClient;
let harness: ContractHarness;
let workers: ReturnType<typeof createWorkers>;
let dataDir: string;

async function settle() {
  await workers.inbound.drainAll();
  await workers.dispatcher.drainAll();
  while (await workers.runner.runNext());
  await workers.dispatcher.drainAll();
}

/** Waits until the library's message has been recorded (the client's listener records it asynchronously). */
async function recorded(message: WebMessage) {
  for (let i = 0; i < 200; i++) {
    const rows = await database.db
      .select({ id: inboundUpdates.updateId })
      .from(inboundUpdates)
      .where(eq(inboundUpdates.updateId, message.id._serialized));
    if (rows.length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('message never recorded');
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'bodega-wa-'));
  database = await createTestDatabase();
  const core = await createContractCore(database, {
    clock,
    log,
    owner: `whatsapp:+${OWNER}`,
    viewer: `whatsapp:+${VIEWER}`,
  });
  client = new FakeWebClient();
  const transport = createWebTransport({
    dataPath: dataDir,
    chromiumPath: undefined,
    log,
    createClient: () => client,
    media: (mimetype, data, filename): Media => ({ mimetype, data, filename }),
  });
  const adapter = createWhatsappAdapter({
    transport,
    router: core.router,
    store: whatsappStore(database, clock, () => {}),
    log,
    clock,
    locale: 'es',
    onRecorded: () => {},
  });
  await transport.connect(adapter.accept);
  workers = createWorkers(core, database, log, [adapter], { processors: [adapter.processor] });

  let lastMenu: string[] = [];
  const seen = (sent: Sent[]): Seen => {
    const texts = sent.filter((s) => typeof s.content === 'string').map((s) => s.content as string);
    const menu = texts.filter((line) => /^1\. /m.test(line)).at(-1);
    if (menu) lastMenu = [...menu.matchAll(/^\d+\. (.+)$/gm)].map((match) => match[1] as string);
    return {
      texts: texts.filter((line) => !/^Tarea #\d+: /.test(line)),
      progress: texts.filter((line) => /^Tarea #\d+: /.test(line)),
      files: sent
        .filter((s) => typeof s.content === 'object')
        .map((s) => ({
          filename: (s.content as Media).filename,
          data: Buffer.from((s.content as Media).data, 'base64'),
        })),
      buttons: menu ? lastMenu.map((label) => ({ label })) : [],
    };
  };
  const say = async (phone: string, line: string) => {
    const before = client.sent.length;
    await recorded(client.receive(`${phone}@c.us`, line));
    await settle();
    return seen(client.sent.slice(before).filter((s) => s.chatId === `${phone}@c.us`));
  };
  harness = {
    say: (line, options) => say(options?.as === 'viewer' ? VIEWER : OWNER, line),
    press: (label) => {
      const index = lastMenu.indexOf(label);
      if (index < 0) throw new Error(`no choice ${label}`);
      return say(OWNER, String(index + 1));
    },
    maxLength: 4096,
    close: async () => {},
  };
});

afterAll(async () => {
  await database?.drop();
  await rm(dataDir, { recursive: true, force: true });
});

adapterContract('whatsapp web', () => harness);

describe('whatsapp web', () => {
  it('numbers the choices and says which numbers answer them', async () => {
    const seen = await harness.say('/pages 2');
    expect(seen.texts.at(-1)).toBe('page 2\n\n1. ◀ prev\n2. next ▶\nResponde 1 o 2.');
  });

  it('answers a number with no menu behind it with what to do instead', async () => {
    const phone = '5215500000077';
    const before = client.sent.length;
    await recorded(client.receive(`${phone}@c.us`, '3'));
    await settle();
    expect(client.sent.slice(before).map((s) => s.content)).toEqual([
      'No hay un menú al que responder con un número. Escribe ayuda para ver los comandos.',
    ]);
  });

  it('leaves groups, statuses and its own messages alone, and finds the number behind a linked id', async () => {
    const base = { id: { _serialized: 'x' }, body: 'ayuda', type: 'chat', fromMe: false, timestamp: 1 };
    expect(await webEvent({ ...base, from: '120363000000000000@g.us' })).toBeUndefined();
    expect(await webEvent({ ...base, from: 'status@broadcast', isStatus: true })).toBeUndefined();
    expect(await webEvent({ ...base, from: `${OWNER}@c.us`, fromMe: true })).toBeUndefined();
    const viaLid = await webEvent({
      ...base,
      from: '204812345678901@lid',
      getContact: async () => ({ number: OWNER }),
    });
    expect(viaLid).toMatchObject({ kind: 'message', phone: OWNER, text: 'ayuda' });
    expect(await webEvent({ ...base, from: `${OWNER}@c.us`, type: 'ptt' })).toMatchObject({ unsupported: 'ptt' });
  });

  it('says in one line what is missing before it tries to open a session', async () => {
    await expect(checkWebPrerequisites(dataDir, undefined)).rejects.toThrow('no browser: set CHROMIUM_PATH');
    await expect(checkWebPrerequisites(dataDir, '/nonexistent/chromium')).rejects.toThrow(
      'no browser at CHROMIUM_PATH=/nonexistent/chromium',
    );
    await expect(checkWebPrerequisites(dataDir, process.execPath)).rejects.toThrow(
      'no phone linked: run bodega whatsapp login',
    );
    await mkdir(join(dataDir, 'session'));
    await expect(checkWebPrerequisites(dataDir, process.execPath)).resolves.toBeUndefined();
  });

  it('reports the session down when the phone was logged out (a QR code at start)', async () => {
    const transport = createWebTransport({
      dataPath: dataDir,
      chromiumPath: process.execPath,
      log,
      createClient: () => new FakeWebClient((c) => c.emit('qr', '2@abc')),
      media: () => ({}),
    });
    await expect(transport.connect(async () => {})).rejects.toThrow('run bodega whatsapp login');
    expect(transport.state()).toBe('down');
    expect(transport.reason()).toContain('logged out');
  });
});
