import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sentMessages } from '../../db/schema/chat.ts';
import { enqueue, type HeldMessages, heldMessages } from '../../src/chat/outbox/outbox.ts';
import { reply, text } from '../../src/chat/reply.ts';
import { systemClock } from '../../src/clock.ts';
import { createInventory } from '../../src/domain/inventory/index.ts';
import { startFakeTelegram } from '../fakes/telegram.ts';
import { createWhatsappFake, type PhoneMessage, type WhatsappFake } from '../fakes/whatsapp/index.ts';
import {
  type BodegaProcess,
  databaseOfRunning,
  freePort,
  startBodegaProcess,
  useTempDataDirs,
} from '../helpers/cli.ts';

const OWNER = '5215511110001';
const STAFF = '5215511110002';
const TEMPLATE = { name: 'bodega_alerta', language: 'es', category: 'utility' as const, body: 'Aviso: {{1}}' };
const DAY = 24 * 60 * 60 * 1000;
const freshDataDir = useTempDataDirs();

async function startAgainst(fake: WhatsappFake, extra: Record<string, string> = {}) {
  const port = await freePort();
  const bodega = await startBodegaProcess({
    port,
    dataDir: await freshDataDir(),
    env: {
      WHATSAPP_MODE: 'cloud',
      WHATSAPP_CLOUD_TOKEN: fake.token,
      WHATSAPP_PHONE_NUMBER_ID: fake.phoneNumberId,
      WHATSAPP_VERIFY_TOKEN: fake.verifyToken,
      WHATSAPP_APP_SECRET: fake.appSecret,
      WHATSAPP_GRAPH_BASE: fake.graphBase,
      BODEGA_OWNERS: `whatsapp:${OWNER}`,
      BODEGA_CURRENCY: 'MXN',
      ...extra,
    },
  });
  fake.setWebhookUrl(`${bodega.url}/webhooks/whatsapp`);
  return bodega;
}

/** What `phone` received after the first `from` messages, once `count` have arrived. */
function received(fake: WhatsappFake, phone: string, from: number, count = 1): Promise<PhoneMessage[]> {
  return fake.waitFor(() => {
    const messages = fake.messagesTo(phone).slice(from);
    return messages.length >= count ? messages : undefined;
  }, 20_000);
}

async function say(fake: WhatsappFake, phone: string, line: string, count = 1) {
  const before = fake.messagesTo(phone).length;
  expect((await fake.userSends(phone, line)).status).toBe(200);
  return (await received(fake, phone, before, count)).map((m) => m.text ?? '');
}

describe('bodega start with the WhatsApp Cloud API', () => {
  let fake: WhatsappFake;
  let bodega: BodegaProcess;

  beforeAll(async () => {
    fake = await createWhatsappFake({ templates: [TEMPLATE] });
    bodega = await startAgainst(fake, { WHATSAPP_ALERT_TEMPLATE: 'bodega_alerta:es' });
  });

  afterAll(async () => {
    expect(await bodega?.stop()).toBe(0);
    await fake?.close();
  });

  it('answers the verification handshake and reports WhatsApp ready', async () => {
    expect(await fake.verifyWebhook({ challenge: '8841' })).toEqual({ status: 200, body: '8841' });
    expect((await fake.verifyWebhook({ verifyToken: 'wrong' })).status).toBe(403);
    const ready = (await (await fetch(`${bodega.url}/health/ready`)).json()) as { checks: Record<string, string> };
    expect(ready.checks.whatsapp).toBe('ok');
  });

  it('refuses a bad or missing signature with 401 and sends nothing', async () => {
    const before = fake.calls.length;
    expect((await fake.userSends(OWNER, 'ayuda', { signature: 'bad' })).status).toBe(401);
    expect((await fake.userSends(OWNER, 'ayuda', { signature: 'missing' })).status).toBe(401);
    // Messages of one chat run in order: once a later one is answered, nothing earlier can still arrive.
    expect((await say(fake, OWNER, 'ayuda'))[0]).toContain('Comandos que puedes usar');
    expect(
      fake.calls
        .slice(before)
        .filter((call) => call.path.endsWith('/messages') && !('status' in (call.body as object))),
    ).toHaveLength(1);
  });

  it('runs stock flows in Spanish, with or without the slash, and in English', async () => {
    expect((await say(fake, OWNER, 'producto agregar TAZA-9 Taza negra precio:150 stock:8'))[0]).toContain('TAZA-9');
    expect((await say(fake, OWNER, '/stock TAZA-9'))[0]).toContain('*disponible:* 8');
    expect((await say(fake, OWNER, 'stock TAZA-9'))[0]).toContain('*disponible:* 8');
    await say(fake, OWNER, 'idioma en');
    expect((await say(fake, OWNER, 'stock TAZA-9'))[0]).toContain('*available:* 8');
    expect((await say(fake, OWNER, 'language es'))[0]).toContain('español');
  });

  it('answers a message delivered twice once', async () => {
    const before = fake.messagesTo(OWNER).length;
    const delivery = await fake.userSends(OWNER, 'ayuda');
    await fake.redeliver(delivery);
    await fake.userSends(OWNER, 'stock TAZA-9');
    // Messages of one chat run in order: once the stock answer is here, the duplicate had its chance.
    await fake.waitFor(() =>
      fake
        .messagesTo(OWNER)
        .slice(before)
        .some((m) => m.text?.includes('TAZA-9')),
    );
    expect(
      fake
        .messagesTo(OWNER)
        .slice(before)
        .map((m) => m.text?.slice(0, 25)),
    ).toEqual([expect.stringContaining('Comandos'), expect.stringContaining('TAZA-9')]);
  });

  it('delivers a 10,000-character message complete, split at WhatsApp’s limit', async () => {
    const database = await databaseOfRunning(bodega.dataDir);
    const lines = Array.from(
      { length: 200 },
      (_, i) => `línea ${String(i + 1).padStart(3, '0')} ñandú ${'x'.repeat(40)}`,
    );
    const long = lines.join('\n');
    expect(long.length).toBeGreaterThanOrEqual(10_000);
    const before = fake.messagesTo(OWNER).length;
    try {
      await enqueue(database.db, { platform: 'whatsapp', chatId: OWNER }, reply(text(long)), 'es', 'e2e-long');
    } finally {
      await database.close();
    }
    const parts = await fake.waitFor(() => {
      const got = fake.messagesTo(OWNER).slice(before);
      return got
        .map((m) => m.text)
        .join('\n')
        .includes(lines.at(-1) as string)
        ? got
        : undefined;
    }, 20_000);
    expect(parts.length).toBeGreaterThan(2);
    for (const part of parts) expect([...(part.text ?? '')].length).toBeLessThanOrEqual(4096);
    expect(parts.map((m) => m.text).join('\n')).toBe(long);
  });

  it('pages a long list with a list message, and a picked row shows that page', async () => {
    const database = await databaseOfRunning(bodega.dataDir);
    try {
      const inventory = createInventory({ db: database.db, batchDb: database.batchDb, clock: systemClock });
      for (let i = 1; i <= 80; i++) {
        const product = { sku: `VASO-${i}`, title: `Vaso ${i}`, priceMinor: 1000, currency: 'MXN', stock: 5 };
        await inventory.products.add(product, { actor: 'e2e', key: `vaso-${i}` });
      }
    } finally {
      await database.close();
    }
    // The page's table is longer than an interactive body: it comes first, then the list of choices.
    const list = (await say(fake, OWNER, 'stock vaso pagina:3', 2)) && (fake.messagesTo(OWNER).at(-1) as PhoneMessage);
    expect(list.kind).toBe('list');
    const first = list.list?.rows.find((row) => row.title === '« Primera página');
    const before = fake.messagesTo(OWNER).length;
    await fake.userPicks(OWNER, list.id, first!.id);
    const page = await received(fake, OWNER, before, 2); // the page's table, then its list of choices
    expect(page[0]?.text).toContain('página 1 de 6');
    expect(page[1]?.buttons?.map((b) => b.title)).toEqual(['Siguiente ▶', 'Última página (6) »']);
  });

  it('waits out a throughput limit and delivers the answer once', async () => {
    fake.failNext(130429, { to: OWNER });
    const answer = await say(fake, OWNER, 'stock TAZA-9');
    expect(answer).toHaveLength(1);
    const refused = fake.calls.filter((c) => (c.response as { error?: { code?: number } }).error?.code === 130429);
    expect(refused).toHaveLength(1);
  });

  it('sends a low-stock alert outside the 24-hour window as the approved template', async () => {
    const invite = (await say(fake, OWNER, 'invitar personal'))[0] ?? '';
    const code = invite.match(/\/inicio `?([\w-]+)/)?.[1];
    expect((await say(fake, STAFF, `inicio ${code}`))[0]).toContain('personal');
    await say(fake, STAFF, 'avisos sí stock');
    fake.setLastInbound(STAFF, new Date(Date.now() - 2 * DAY));
    const before = fake.messagesTo(STAFF).length;
    await say(fake, OWNER, 'stock umbral TAZA-9 10');
    const [alert] = await received(fake, STAFF, before);
    expect(alert?.kind).toBe('template');
    expect(alert?.text).toMatch(/^Aviso: ⚠️ Stock bajo: TAZA-9/);
  });

  it('records a failed delivery status', async () => {
    const [answer] = await Promise.all([
      received(fake, OWNER, fake.messagesTo(OWNER).length),
      fake.userSends(OWNER, 'ayuda'),
    ]);
    await fake.deliverStatus(answer[0]!.id, 'failed', { code: 131026 });
    const database = await databaseOfRunning(bodega.dataDir);
    try {
      let tracked: Array<{ status: string; errorCode: number | null }> = [];
      for (let i = 0; i < 100 && tracked[0]?.status !== 'failed'; i++) {
        tracked = await database.db
          .select({ status: sentMessages.status, errorCode: sentMessages.errorCode })
          .from(sentMessages)
          .where(eq(sentMessages.messageId, answer[0]!.id));
        if (tracked[0]?.status !== 'failed') await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(tracked).toEqual([{ status: 'failed', errorCode: 131026 }]);
    } finally {
      await database.close();
    }
  });
});

describe('bodega start with the WhatsApp Cloud API and no alert template', () => {
  it('keeps a low-stock alert for someone outside the window waiting, where the owner sees it', async () => {
    const fake = await createWhatsappFake();
    const bodega = await startAgainst(fake);
    try {
      await say(fake, OWNER, 'producto agregar JARRO-1 Jarro precio:90 stock:8');
      const invite = (await say(fake, OWNER, 'invitar personal'))[0] ?? '';
      await say(fake, STAFF, `inicio ${invite.match(/\/inicio `?([\w-]+)/)?.[1]}`);
      await say(fake, STAFF, 'avisos sí stock');
      fake.setLastInbound(STAFF, new Date(Date.now() - 2 * DAY));
      const before = fake.messagesTo(STAFF).length;
      await say(fake, OWNER, 'stock umbral JARRO-1 10');
      // WhatsApp refuses it (131047); bodega learns the window closed and, with no template, holds the alert.
      const database = await databaseOfRunning(bodega.dataDir);
      try {
        let held: HeldMessages[] = [];
        for (let i = 0; i < 200 && held.length === 0; i++) {
          held = await heldMessages(database.db);
          if (held.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
        }
        expect(held).toMatchObject([{ platform: 'whatsapp', chatId: STAFF, count: 1 }]);
      } finally {
        await database.close();
      }
      expect((await say(fake, OWNER, 'avisos')).join('\n')).toContain(`1 mensaje espera a +${STAFF}`);
      expect(fake.messagesTo(STAFF).slice(before)).toEqual([]);
      await fake.userSends(STAFF, 'hola');
      const [alert] = await received(fake, STAFF, before);
      expect(alert?.text).toMatch(/Stock bajo: JARRO-1/);
    } finally {
      expect(await bodega.stop()).toBe(0);
      await fake.close();
    }
  });
});

describe('bodega start in WhatsApp Web mode without a browser', () => {
  it('says so in one line, shows WhatsApp down and keeps Telegram and the rest running', async () => {
    const telegram = await startFakeTelegram();
    const bodega = await startBodegaProcess({
      dataDir: await freshDataDir(),
      env: { WHATSAPP_MODE: 'web', TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot },
    });
    try {
      let ready: { status: string; checks: Record<string, string>; reasons?: Record<string, string> } = {
        status: '',
        checks: {},
      };
      for (let i = 0; i < 100 && !(ready.checks.whatsapp === 'down' && ready.checks.telegram === 'ok'); i++) {
        if (i > 0) await new Promise((resolve) => setTimeout(resolve, 50));
        ready = (await (await fetch(`${bodega.url}/health/ready`)).json()) as typeof ready;
      }
      expect(ready.checks).toMatchObject({ database: 'ok', telegram: 'ok', whatsapp: 'down' });
      expect(ready.reasons?.whatsapp).toBe(
        'whatsapp web cannot start: no browser: set CHROMIUM_PATH to a Chromium (apt-get install chromium)',
      );
      expect((await fetch(`${bodega.url}/health`)).status).toBe(200);
      const lines = bodega
        .output()
        .split('\n')
        .filter((line) => line.includes('CHROMIUM_PATH'));
      expect(lines).toHaveLength(1);
    } finally {
      expect(await bodega.stop()).toBe(0);
      await telegram.close();
    }
  });
});
