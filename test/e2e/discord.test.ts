import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.ts';
import { createInventory } from '../../src/domain/inventory/index.ts';
import { startFakeAliexpress } from '../fakes/aliexpress.ts';
import { type FakeDiscord, type FakeMessage, startFakeDiscord, type Who } from '../fakes/discord/index.ts';
import {
  type BodegaProcess,
  databaseOfRunning,
  freePort,
  runBodega,
  startBodegaProcess,
  useTempDataDirs,
} from '../helpers/cli.ts';
import { useTestDatabase } from '../helpers/database.ts';

const OWNER = '700000000000000011';
const GUILD = '800000000000000011';
const freshDataDir = useTempDataDirs();
let channelCounter = 900_000_000_000_000_100n;
/** Each test talks in its own channel, so what it sees is only its own. */
const here = (locale = 'es-419'): Who => ({
  userId: OWNER,
  username: 'ana',
  guildId: GUILD,
  channelId: String(++channelCounter),
  locale,
});

/** Discord shows markdown-escaped text without the backslashes. */
const shownText = (value: string) => value.replace(/\\([\\*_~`|[\]>#-])/g, '$1');
const final = (message: FakeMessage) => shownText(message.content);

describe('bodega start with Discord by HTTP interactions', () => {
  let fake: FakeDiscord;
  let bodega: BodegaProcess;
  let aliexpress: Awaited<ReturnType<typeof startFakeAliexpress>>;

  beforeAll(async () => {
    fake = await startFakeDiscord();
    aliexpress = await startFakeAliexpress({ pages: 1, perPage: 60 });
    const port = await freePort();
    bodega = await startBodegaProcess({
      port,
      dataDir: await freshDataDir(),
      env: {
        DISCORD_TOKEN: fake.token,
        DISCORD_APPLICATION_ID: fake.applicationId,
        DISCORD_PUBLIC_KEY: fake.publicKey,
        DISCORD_API_BASE: fake.apiBase,
        DISCORD_GUILD_ID: GUILD,
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        BODEGA_OWNERS: `discord:${OWNER}`,
        BODEGA_CURRENCY: 'MXN',
        ALIEXPRESS_BASE_URL: aliexpress.baseUrl,
        ALIEXPRESS_MTOP_URL: aliexpress.baseUrl,
      },
    });
    fake.setInteractionsUrl(`${bodega.url}/webhooks/discord`);
    await fake.waitFor(() => fake.commands.guilds.get(GUILD));
  });

  afterAll(async () => {
    expect(await bodega?.stop()).toBe(0);
    await fake?.close();
    await aliexpress?.close();
  });

  it('registers its commands in the guild at start, English with Spanish names, accepted by the spec', () => {
    const put = fake.calls.find((call) => call.method === 'PUT');
    expect(put).toMatchObject({
      status: 200,
      auth: 'bot',
      path: `/applications/${fake.applicationId}/guilds/${GUILD}/commands`,
    });
    const names = (
      fake.commands.guilds.get(GUILD) as Array<{ name: string; name_localizations: Record<string, string> }>
    ).map((command) => [command.name, command.name_localizations['es-419']]);
    expect(names).toContainEqual(['search', 'buscar']);
    expect(names).toContainEqual(['stock', 'stock']);
  });

  it('answers 401 to a bad or missing signature and sends nothing; PING answers PONG', async () => {
    const before = fake.calls.length;
    const messages = fake.messages.length;
    expect((await fake.send(fake.slash('/ayuda', here()), 'invalid')).status).toBe(401);
    expect((await fake.send(fake.slash('/ayuda', here()), 'missing')).status).toBe(401);
    expect(await fake.send(fake.ping())).toEqual({ status: 200, body: { type: 1 } });
    // Nothing ran: a later command is answered, and nothing else was sent meanwhile.
    const who = here();
    await fake.send(fake.slash('/ayuda', who));
    expect(fake.messagesIn(who.channelId)).toHaveLength(1);
    expect(fake.messages.length).toBe(messages + 1);
    expect(fake.calls.slice(before).filter((call) => call.method !== 'RESPONSE')).toEqual([]);
  });

  it('runs /stock in Spanish (es-419) and in English (en-US)', async () => {
    const es = here('es-419');
    const added = await fake.send(fake.slash('/producto agregar TAZA-9 "Taza negra" precio:150 stock:8', es));
    expect(added.body).toMatchObject({ type: 4 });
    expect(final(fake.messagesIn(es.channelId)[0] as FakeMessage)).toBe(
      '✅ Producto TAZA-9 agregado: Taza negra, $150.00 MXN, stock 8.',
    );
    await fake.send(fake.slash('/stock agregar TAZA-9 2', es));
    expect(final(fake.messagesIn(es.channelId)[1] as FakeMessage)).toBe(
      '✅ TAZA-9: total 10, reservado 0, vendido 0, disponible 10.',
    );
    const en = here('en-US');
    await fake.send(fake.slash('/stock TAZA-9', en));
    expect(fake.messagesIn(en.channelId)[0]?.embeds).toMatchObject([
      { fields: expect.arrayContaining([{ name: 'available', value: '10', inline: true }]) },
    ]);
  });

  it('shows one product as a card: the title as content, its numbers as inline embed fields the spec accepts', async () => {
    const who = here('es-419');
    const from = fake.calls.length;
    const answer = await fake.send(fake.slash('/stock TAZA-9', who));
    expect(answer).toMatchObject({ status: 200, body: { type: 4 } });
    const [card, ...rest] = fake.messagesIn(who.channelId);
    expect(rest).toEqual([]);
    expect(card?.content).toBe('**TAZA-9 — Taza negra**');
    expect(card?.embeds).toEqual([
      {
        fields: [
          { name: 'total', value: '10', inline: true },
          { name: 'reservado', value: '0', inline: true },
          { name: 'vendido', value: '0', inline: true },
          { name: 'disponible', value: '10', inline: true },
          { name: 'umbral', value: expect.any(String), inline: true },
        ],
      },
    ]);
    // Nothing this turn was refused by the spec or the limits (a refusal would be a 4xx call).
    expect(fake.calls.slice(from).filter((call) => call.status >= 400)).toEqual([]);
  });

  it('answers the same interaction delivered twice once', async () => {
    const who = here();
    const interaction = fake.slash('/ayuda', who);
    await fake.send(interaction);
    await fake.send(interaction);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fake.messagesIn(who.channelId)).toHaveLength(1);
    expect(final(fake.messagesIn(who.channelId)[0] as FakeMessage)).toContain('Comandos que puedes usar');
  });

  it('answers /buscar within the deadline, shows progress and puts the results in place; its page button works', async () => {
    const who = here();
    const answer = await fake.send(fake.slash('/buscar mouse', who));
    expect(answer.status).toBe(200);
    const [original] = fake.messagesIn(who.channelId);
    expect(original?.via).toBe('response');
    expect(original?.versions[0]).toMatch(/Trabajando en ello \(tarea #\d+\)/);
    await fake.waitFor(() => original?.content.includes('Resultados para «mouse»'));
    expect(original?.versions.some((version) => version.includes('leí 1 de 1 página de resultados'))).toBe(true);
    const withButtons = await fake.waitFor(() => fake.messagesIn(who.channelId).find((m) => m.components.length));
    await fake.send(fake.press(withButtons, 'Siguiente ▶', who));
    const second = await fake.waitFor(() =>
      fake.messagesIn(who.channelId).find((m) => final(m).includes('página 2 de')),
    );
    expect(second.via).toBe('response');
  });

  it('sends the result as a channel message, once, when the token expired before it was ready', async () => {
    aliexpress.setMode('slow');
    try {
      const who = here();
      const interaction = fake.slash('/buscar lampara', who);
      await fake.send(interaction);
      fake.expire(interaction.id);
      const result = await fake.waitFor(
        () => fake.messagesIn(who.channelId).find((m) => m.via === 'channel' && final(m).includes('«lampara»')),
        30_000,
      );
      expect(result.content).toContain('Resultados para');
      await new Promise((resolve) => setTimeout(resolve, 500));
      const results = fake.messagesIn(who.channelId).filter((m) => final(m).includes('Resultados para'));
      expect(results).toHaveLength(1);
    } finally {
      aliexpress.setMode('normal');
    }
  });

  it('completes SKUs with at most 25 choices', async () => {
    const database = await databaseOfRunning(bodega.dataDir);
    const inventory = createInventory({ db: database.db, batchDb: database.batchDb, clock: systemClock });
    for (let i = 1; i <= 30; i++) {
      const sku = `PLATO-${String(i).padStart(2, '0')}`;
      await inventory.products.add(
        { sku, title: `Plato ${i}`, priceMinor: 100, currency: 'MXN' },
        { actor: 'seed', key: `seed:${sku}` },
      );
    }
    await database.close();
    const answer = await fake.send(fake.autocomplete('/stock PLATO', 'sku_o_palabras', here()));
    expect(answer.status).toBe(200);
    const body = answer.body as { type: number; data: { choices: Array<{ name: string; value: string }> } };
    expect(body.type).toBe(8);
    expect(body.data.choices).toHaveLength(25);
    expect(body.data.choices.every((choice) => choice.value.startsWith('PLATO-'))).toBe(true);
  });

  it("completes the ids of this channel's watches", async () => {
    const who = here();
    aliexpress.setProduct('1005000000000007', { cents: 1299 });
    await fake.send(fake.slash('/vigilar agregar https://es.aliexpress.com/item/1005000000000007.html', who));
    const added = await fake.waitFor(() =>
      fake.messagesIn(who.channelId).find((m) => /Vigilancia #\d+/.test(m.content)),
    );
    const watchId = added.content.match(/Vigilancia #(\d+)/)?.[1];
    const answer = await fake.send(fake.autocomplete('/vigilar quitar', 'vigilancia', who));
    expect(answer.body).toEqual({ type: 8, data: { choices: [{ name: `#${watchId}`, value: `#${watchId}` }] } });
    const elsewhere = await fake.send(fake.autocomplete('/vigilar quitar', 'vigilancia', here()));
    expect(elsewhere.body).toEqual({ type: 8, data: { choices: [] } });
  });

  it('delivers a reply of over 5,000 characters complete, waiting out a 429 on the way', async () => {
    const database = await databaseOfRunning(bodega.dataDir);
    const inventory = createInventory({ db: database.db, batchDb: database.batchDb, clock: systemClock });
    await inventory.products.add(
      { sku: 'LARGO-1', title: 'Largo', priceMinor: 100, currency: 'MXN' },
      { actor: 'seed', key: 'seed:largo' },
    );
    // Notes of 400 characters (the domain takes them; chat caps its own at 200): 15 lines of history pass 5,000.
    const notes = Array.from({ length: 15 }, (_, i) => `nota ${String(i + 1).padStart(2, '0')} ${'ñandú '.repeat(65)}`);
    for (const [i, note] of notes.entries())
      await inventory.stock.receive('LARGO-1', 1, { actor: 'seed', key: `seed:largo:${i}`, note });
    await database.close();
    const who = here();
    fake.rateLimitNext(0.3, { route: '/webhooks/' });
    const from = fake.calls.length;
    await fake.send(fake.slash('/historial LARGO-1', who));
    const parts = await fake.waitFor(() => {
      const mine = fake.messagesIn(who.channelId);
      return notes.every((note) => mine.some((m) => final(m).includes(note.trim()))) ? mine : undefined;
    });
    expect(parts.map(final).join('\n').length).toBeGreaterThan(5_000);
    expect(parts.length).toBeGreaterThan(2);
    for (const part of parts) expect(part.content.length).toBeLessThanOrEqual(2000);
    const statuses = fake.calls
      .slice(from)
      .filter((call) => call.route.startsWith('/webhooks/'))
      .map((c) => c.status);
    expect(statuses[0]).toBe(429);
    expect(statuses.slice(1).every((status) => status === 200)).toBe(true);
  });
});

describe('bodega start with Discord over the gateway (no PUBLIC_URL), two instances', () => {
  const database = useTestDatabase();
  let fake: FakeDiscord;
  let instances: BodegaProcess[] = [];

  beforeAll(async () => {
    fake = await startFakeDiscord();
    const env = {
      DATABASE_URL: database().url,
      // Shared by both instances: either may answer an interaction the gateway leader recorded.
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      DISCORD_TOKEN: fake.token,
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_API_BASE: fake.apiBase,
      DISCORD_GUILD_ID: GUILD,
      BODEGA_OWNERS: `discord:${OWNER}`,
      BODEGA_CURRENCY: 'MXN',
    };
    instances = [
      await startBodegaProcess({ dataDir: await freshDataDir(), env }),
      await startBodegaProcess({ dataDir: await freshDataDir(), env }),
    ];
    await fake.waitFor(() => fake.gatewaySessions().length > 0);
  });

  afterAll(async () => {
    for (const instance of instances) expect(await instance.stop()).toBe(0);
    await fake?.close();
  });

  it('holds one gateway session between the two', async () => {
    // Both are up and have tried to lead: the second found the lock taken.
    await fake.waitFor(() => instances.every((instance) => instance.output().includes('discord commands')));
    expect(fake.gatewaySessions()).toHaveLength(1);
    expect(instances.filter((instance) => instance.output().includes('discord gateway ready'))).toHaveLength(1);
  });

  it('runs /stock in Spanish and English from interactions over the gateway', async () => {
    const es = here('es-419');
    fake.dispatch(fake.slash('/producto agregar TAZA-7 "Taza azul" precio:90 stock:3', es));
    const added = await fake.waitFor(() => fake.messagesIn(es.channelId)[0]);
    expect(added.via).toBe('response');
    expect(final(added)).toBe('✅ Producto TAZA-7 agregado: Taza azul, $90.00 MXN, stock 3.');
    const en = here('en-US');
    fake.dispatch(fake.slash('/stock TAZA-7', en));
    const shown = await fake.waitFor(() => fake.messagesIn(en.channelId)[0]);
    expect(final(shown)).toBe('**TAZA-7 — Taza azul**');
    expect(shown.embeds).toMatchObject([
      { fields: expect.arrayContaining([{ name: 'available', value: '3', inline: true }]) },
    ]);
    // Answered by REST callback, no bot token on interaction routes.
    const callbacks = fake.calls.filter((call) => call.route.startsWith('/interactions/'));
    expect(callbacks.length).toBeGreaterThanOrEqual(2);
    expect(callbacks.every((call) => call.status === 204 && call.auth === 'none')).toBe(true);

    const asking = fake.autocomplete('/stock TAZ', 'sku_o_palabras', here());
    fake.dispatch(asking);
    expect(await fake.waitFor(() => fake.choicesFor(asking.id))).toEqual([{ name: 'TAZA-7', value: 'TAZA-7' }]);
  });

  it('bodega discord register overwrites the global commands with definitions the spec accepts, in es and en', async () => {
    const from = fake.calls.length;
    const run = await runBodega(['discord', 'register'], {
      DATABASE_URL: database().url,
      DISCORD_TOKEN: fake.token,
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_API_BASE: fake.apiBase,
      LOG_LEVEL: 'warn',
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Comandos de Discord registrados \(globales\): \d+\./);
    const put = fake.calls.slice(from).find((call) => call.method === 'PUT');
    expect(put).toMatchObject({ status: 200, path: `/applications/${fake.applicationId}/commands` });
    const commands = fake.commands.global as Array<Record<string, any>>;
    const search = commands.find((command) => command.name === 'search');
    expect(search?.description).toBe('Search supplier products on AliExpress');
    for (const locale of ['es-ES', 'es-419']) {
      expect(search?.name_localizations[locale]).toBe('buscar');
      expect(search?.description_localizations[locale]).toMatch(/AliExpress/);
    }
    const words = search?.options.find((option: { name: string }) => option.name === 'words');
    expect(words).toMatchObject({ type: 3, required: true, name_localizations: { 'es-419': 'palabras' } });
    const rating = search?.options.find((option: { name: string }) => option.name === 'rating');
    expect(rating).toMatchObject({ type: 10, min_value: 0, max_value: 5 });

    const refused = await runBodega(['discord', 'register'], {
      DATABASE_URL: database().url,
      DISCORD_TOKEN: 'not-the-token',
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_API_BASE: fake.apiBase,
      LOG_LEVEL: 'warn',
    });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('Discord no aceptó los comandos');
  });
});
