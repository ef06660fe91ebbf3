import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.ts';
import { createInventory } from '../../src/domain/inventory/index.ts';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram.ts';
import {
  type BodegaProcess,
  databaseOfRunning,
  freePort,
  startBodegaProcess,
  useTempDataDirs,
} from '../helpers/cli.ts';

const OWNER = 1111111;
const SECRET = 'e2e-secret_42';
const freshDataDir = useTempDataDirs();
let updateId = 500_000;

function message(text: string, languageCode = 'es', from = OWNER) {
  return {
    update_id: ++updateId,
    message: {
      message_id: updateId,
      date: Math.floor(Date.now() / 1000),
      text,
      chat: { id: from, type: 'private', first_name: 'Ana' },
      from: { id: from, is_bot: false, first_name: 'Ana', language_code: languageCode },
      entities: [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]!.length }],
    },
  };
}

/** Texts sent to the owner's chat after `from` calls, waiting until `count` have arrived. */
async function repliesAfter(fake: FakeTelegram, from: number, count = 1, timeoutMs = 15_000): Promise<string[]> {
  return fake.waitFor(() => {
    const texts = fake.calls
      .slice(from)
      .filter((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(OWNER))
      .map((c) => String(c.params.text));
    return texts.length >= count ? texts : undefined;
  }, timeoutMs);
}

describe('bodega start with Telegram by webhook', () => {
  let fake: FakeTelegram;
  let bodega: BodegaProcess;

  beforeAll(async () => {
    fake = await startFakeTelegram();
    const port = await freePort();
    bodega = await startBodegaProcess({
      port,
      dataDir: await freshDataDir(),
      env: {
        TELEGRAM_BOT_TOKEN: fake.token,
        TELEGRAM_API_ROOT: fake.apiRoot,
        TELEGRAM_WEBHOOK_SECRET: SECRET,
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        BODEGA_OWNERS: `telegram:${OWNER}`,
        BODEGA_CURRENCY: 'MXN',
      },
    });
    await fake.waitFor(() => fake.webhook());
  });

  afterAll(async () => {
    expect(await bodega?.stop()).toBe(0);
    await fake?.close();
  });

  it('registers its webhook with the secret, publishes menus and reports Telegram ready', async () => {
    expect(fake.webhook()).toEqual({ url: `${bodega.url}/webhooks/telegram`, secret: SECRET });
    // Setup runs in the background: ready once both the menus and the webhook are in place.
    let telegram = '';
    for (let tries = 0; tries < 100 && telegram !== 'ok'; tries++) {
      if (tries > 0) await new Promise((resolve) => setTimeout(resolve, 50));
      const ready = (await (await fetch(`${bodega.url}/health/ready`)).json()) as { checks: Record<string, string> };
      telegram = ready.checks.telegram ?? '';
    }
    expect(telegram).toBe('ok');
    const menus = fake.calls
      .filter((c) => c.method === 'setMyCommands')
      .map((c) => c.params.language_code ?? 'default');
    expect(menus.sort()).toEqual(['default', 'en', 'es']);
  });

  it('answers 401 without the right secret and 400 for a body that is not an update, sending nothing', async () => {
    const before = fake.calls.length;
    expect(await fake.deliver(message('/ayuda'), { secret: null })).toBe(401);
    expect(await fake.deliver(message('/ayuda'), { secret: 'nope' })).toBe(401);
    const garbage = await fetch(`${bodega.url}/webhooks/telegram`, {
      method: 'POST',
      body: '{"text":"hola"}',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
    });
    expect(garbage.status).toBe(400);
    // Updates of one chat run in order: once a later command is answered, nothing earlier can still arrive.
    await fake.deliver(message('/ayuda'));
    expect(await repliesAfter(fake, before)).toHaveLength(1);
    expect(fake.calls.slice(before).filter((c) => c.method === 'sendMessage')).toHaveLength(1);
  });

  it('replies once to an update delivered twice', async () => {
    const before = fake.calls.length;
    const update = message('/ayuda');
    expect(await fake.deliver(update)).toBe(200);
    expect(await fake.deliver(update)).toBe(200);
    expect((await repliesAfter(fake, before))[0]).toContain('Comandos que puedes usar');
    await fake.deliver(message('/help', 'en'));
    const replies = await repliesAfter(fake, before, 2);
    expect(replies[1]).toContain('Commands you can use');
    expect(fake.calls.slice(before).filter((c) => c.method === 'sendMessage')).toHaveLength(2);
  });

  it('runs a stock flow in Spanish and in English', async () => {
    let before = fake.calls.length;
    await fake.deliver(message('/producto agregar TAZA-9 Taza <negra> & roja precio:150 stock:8'));
    expect(await repliesAfter(fake, before)).toEqual([
      '✅ Producto TAZA-9 agregado: Taza &lt;negra&gt; &amp; roja, $150.00 MXN, stock 8.',
    ]);
    before = fake.calls.length;
    await fake.deliver(message('/stock agregar TAZA-9 2'));
    expect(await repliesAfter(fake, before)).toEqual(['✅ TAZA-9: total 10, reservado 0, vendido 0, disponible 10.']);
    before = fake.calls.length;
    await fake.deliver(message('/stock TAZA-9', 'en'));
    const [english] = await repliesAfter(fake, before);
    expect(english).toContain('<b>available:</b> 10');
  });

  it('pages stock results when a button is pressed', async () => {
    const database = await databaseOfRunning(bodega.dataDir);
    const inventory = createInventory({ db: database.db, batchDb: database.batchDb, clock: systemClock });
    for (let i = 1; i <= 18; i++) {
      await inventory.products.add(
        { sku: `PLATO-${String(i).padStart(2, '0')}`, title: `Plato ${i}`, priceMinor: 100, currency: 'MXN' },
        { actor: 'seed', key: `seed:plato:${i}` },
      );
    }
    await database.close();
    let before = fake.calls.length;
    await fake.deliver(message('/stock plato'));
    const [firstPage] = await repliesAfter(fake, before);
    expect(firstPage).toContain('PLATO-15');
    expect(firstPage).not.toContain('PLATO-16');
    const keyboard = fake.calls.slice(before).find((c) => c.method === 'sendMessage')?.params.reply_markup as {
      inline_keyboard: Array<Array<{ text: string; callback_data: string }>>;
    };
    const next = keyboard.inline_keyboard.flat().find((button) => button.text === 'Siguiente ▶');
    expect(next?.callback_data).toBe('/stock plato pagina:2');
    before = fake.calls.length;
    await fake.deliver({
      update_id: ++updateId,
      callback_query: {
        id: `cb-${updateId}`,
        chat_instance: '42',
        data: next?.callback_data,
        from: { id: OWNER, is_bot: false, first_name: 'Ana', language_code: 'es' },
        message: { message_id: 1, date: 0, chat: { id: OWNER, type: 'private' } },
      },
    });
    const [secondPage] = await repliesAfter(fake, before);
    expect(secondPage).toContain('PLATO-18');
    expect(secondPage).not.toContain('PLATO-15');
    expect(fake.calls.slice(before).some((c) => c.method === 'answerCallbackQuery')).toBe(true);
  });
});

describe('bodega start with Telegram by long polling', () => {
  it('takes updates with getUpdates when there is no PUBLIC_URL', async () => {
    const fake = await startFakeTelegram();
    const bodega = await startBodegaProcess({
      dataDir: await freshDataDir(),
      env: { TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, BODEGA_OWNERS: `telegram:${OWNER}` },
    });
    try {
      await fake.waitFor(() => fake.calls.some((c) => c.method === 'getUpdates'));
      expect(fake.webhook()).toBeUndefined();
      const before = fake.calls.length;
      fake.queue(message('/help', 'en'));
      expect((await repliesAfter(fake, before))[0]).toContain('Commands you can use');
    } finally {
      expect(await bodega.stop()).toBe(0);
      await fake.close();
    }
  });

  it('keeps answering when the Bot API has no setMyCommands, and says so in readiness', async () => {
    const fake = await startFakeTelegram({ unimplemented: ['setMyCommands'] });
    const bodega = await startBodegaProcess({
      dataDir: await freshDataDir(),
      env: { TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, BODEGA_OWNERS: `telegram:${OWNER}` },
    });
    try {
      await fake.waitFor(() => fake.calls.some((c) => c.method === 'getUpdates'));
      const before = fake.calls.length;
      fake.queue(message('/ayuda'));
      expect((await repliesAfter(fake, before))[0]).toContain('Comandos que puedes usar');
      const ready = (await (await fetch(`${bodega.url}/health/ready`)).json()) as {
        status: string;
        checks: Record<string, string>;
        reasons: Record<string, string>;
      };
      expect(ready.status).toBe('degraded');
      expect(ready.checks.telegram).toBe('degraded');
      expect(ready.reasons.telegram).toContain('menus');
    } finally {
      expect(await bodega.stop()).toBe(0);
      await fake.close();
    }
  });
});
