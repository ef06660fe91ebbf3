import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.ts';
import { createRegistry } from '../../src/commands/registry.ts';
import { loadConfig } from '../../src/config.ts';
import { createWorkers } from '../../src/core.ts';
import { createApp } from '../../src/http/app.ts';
import { createLogger } from '../../src/logger.ts';
import { createMetrics } from '../../src/metrics.ts';
import { discordAdapter, registerDiscordCommands } from '../../src/wiring/discord.ts';
import { type FakeDiscord, type FakeMessage, startFakeDiscord, type Who } from '../../test/fakes/discord/index.ts';
import { createContractCore } from '../../test/helpers/contract-core.ts';
import { createTestDatabase } from '../../test/helpers/database.ts';
import { adapterContract, type ContractHarness, type Seen } from '../core/contract.ts';
import { createDiscordAdapter, type DiscordAdapter } from './adapter.ts';
import { publicKeyFromHex } from './verify.ts';

const OWNER = '700000000000000001';
const VIEWER = '700000000000000002';
const GUILD = '800000000000000001';
const owner: Who = { userId: OWNER, channelId: '900000000000000001', guildId: GUILD, locale: 'es-419' };
const viewer: Who = { userId: VIEWER, channelId: '900000000000000002', guildId: GUILD, locale: 'es-ES' };

let fake: FakeDiscord;
let adapter: DiscordAdapter;
let harness: ContractHarness;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let workers: ReturnType<typeof createWorkers>;
let cleanup: () => Promise<void>;
let recorded: () => void = () => {};
let config: ReturnType<typeof loadConfig>;
let core: Awaited<ReturnType<typeof createContractCore>>;
const clock = manualClock(new Date(Date.now() + 60_000));

beforeAll(async () => {
  fake = await startFakeDiscord();
  database = await createTestDatabase();
  const log = createLogger({ level: 'silent', pretty: false });
  core = await createContractCore(database, {
    clock,
    log,
    owner: `discord:${OWNER}`,
    viewer: `discord:${VIEWER}`,
  });
  config = loadConfig({
    DISCORD_TOKEN: fake.token,
    DISCORD_APPLICATION_ID: fake.applicationId,
    DISCORD_PUBLIC_KEY: fake.publicKey,
    DISCORD_API_BASE: fake.apiBase,
    DISCORD_GUILD_ID: GUILD,
  });
  adapter = discordAdapter(config, core, database, log, () => recorded());
  await adapter.start();
  await registerDiscordCommands(adapter, config, core, database, true);
  const webhooks = new Hono();
  webhooks.post('/discord', (c) => adapter.handleWebhook(c.req.raw));
  const app = createApp({
    log,
    metrics: createMetrics({ processMetrics: false }),
    readiness: async () => ({ database: 'ok', jobs: 'ok', telegram: 'off', discord: 'ok', whatsapp: 'off' }),
    routes: [{ path: '/webhooks', app: webhooks }],
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  fake.setInteractionsUrl(`http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/discord`);
  // Not started: each turn steps the inbound worker, the outbox and the task runner, so what the chat sees is deterministic.
  workers = createWorkers(core, database, log, [adapter], { processors: [adapter.processor] });
  harness = {
    say: (line, options) => turn(options?.as === 'viewer' ? viewer : owner, (who) => fake.slash(line, who)),
    press: (label) => {
      const message = lastWithButtons;
      if (!message) throw new Error('no message with buttons');
      return turn(owner, (who) => fake.press(message, label, who));
    },
    maxLength: 2000,
    close: async () => {},
  };
  cleanup = async () => {
    await adapter.stop();
    await new Promise((resolve) => server.close(resolve));
    await fake.close();
    await database.drop();
  };
});

afterAll(async () => {
  await cleanup?.();
});

let lastWithButtons: FakeMessage | undefined;

/** Sends one interaction and steps the workers the way a running bodega would, until everything it caused is out. */
async function turn(who: Who, build: (who: Who) => ReturnType<FakeDiscord['slash']>): Promise<Seen> {
  const before = fake.messages.length;
  const editsBefore = new Map(fake.messages.map((m) => [m.id, m.versions.length]));
  const wasRecorded = new Promise<void>((resolve) => (recorded = resolve));
  const answered = fake.send(build(who));
  await wasRecorded;
  await workers.inbound.drainAll();
  await workers.dispatcher.drainAll();
  const response = await answered;
  expect(response.status).toBe(200);
  while (await workers.runner.runNext());
  await workers.dispatcher.drainAll();
  return seen(who, before, editsBefore);
}

function seen(who: Who, before: number, editsBefore: Map<string, number>): Seen {
  const mine = fake.messagesIn(who.channelId);
  const touched = mine.filter(
    (m) => fake.messages.indexOf(m) >= before || (editsBefore.get(m.id) ?? 0) < m.versions.length,
  );
  const texts: string[] = [];
  const progress: string[] = [];
  for (const message of touched) {
    const fresh = message.versions.slice(editsBefore.get(message.id) ?? 0).filter((v) => v !== '');
    // An original response shows the acknowledgement, then progress, then the result in its place.
    if (fresh.length > 2) progress.push(...fresh.slice(1, -1));
    texts.push(...(fresh.length > 1 ? [fresh[0] as string, fresh.at(-1) as string] : fresh));
  }
  const withButtons = touched.filter((m) => m.components.length > 0).at(-1);
  if (withButtons) lastWithButtons = withButtons;
  return {
    texts: texts.map(shownText),
    progress: progress.map(shownText),
    files: touched.flatMap((m) => m.files.map((file) => ({ filename: file.name, data: file.data }))),
    buttons: (withButtons?.components ?? []).flatMap((row) => row.components).map((b) => ({ label: String(b.label) })),
  };
}

/** What Discord shows for markdown-escaped text. */
const shownText = (value: string) => value.replace(/\\([\\*_~`|[\]>#-])/g, '$1');

adapterContract('discord', () => harness);

describe('discord interactions endpoint', () => {
  it('answers 401 to a missing or bad signature and records nothing', async () => {
    const before = fake.calls.length;
    for (const signature of ['missing', 'invalid'] as const) {
      const answer = await fake.send(fake.slash('/ayuda', owner), signature);
      expect(answer.status).toBe(401);
    }
    expect(await workers.inbound.processNext()).toBe(false);
    expect(fake.calls.slice(before)).toEqual([]);
  });

  it('keeps no interaction token in plain text in the database', async () => {
    const interaction = fake.slash('/ayuda', owner);
    const wasRecorded = new Promise<void>((resolve) => (recorded = resolve));
    const answered = fake.send(interaction);
    await wasRecorded;
    await workers.inbound.drainAll();
    await workers.dispatcher.drainAll();
    expect((await answered).body).toMatchObject({ type: 4 });
    const rows = await database.sql`
      select token as text from discord_interactions where id = ${interaction.id}
      union all select payload::text from inbound_updates where update_id = ${interaction.id}`;
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(String(row.text)).not.toContain(interaction.token);
    expect(String(rows[0]?.text)).toMatch(/^v1\./);
  });

  it('defers within the deadline when the database is too slow to record the interaction', async () => {
    const stuck = createDiscordAdapter({
      token: fake.token,
      applicationId: fake.applicationId,
      publicKey: publicKeyFromHex(fake.publicKey),
      apiBase: fake.apiBase,
      router: { handle: async () => undefined },
      registry: createRegistry([]),
      complete: async () => [],
      store: {
        remember: () => new Promise(() => {}),
        record: () => new Promise(() => {}),
        find: async () => undefined,
        update: async () => {},
        buttons: { encode: async (command) => command, decode: async (data) => data },
      },
      log: createLogger({ level: 'silent', pretty: false }),
      clock,
      onRecorded: () => {},
      responseDeadlineMs: 50,
    });
    const response = await stuck.handleWebhook(
      fake.request('http://bodega/webhooks/discord', fake.slash('/ayuda', owner)),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ type: 5 });
  });

  it('gives an unlinked user the short refusal, seen only by them', async () => {
    const stranger: Who = {
      userId: '700000000000000099',
      channelId: owner.channelId,
      guildId: GUILD,
      locale: 'es-419',
    };
    const before = fake.messages.length;
    await turn(stranger, (who) => fake.slash('/stock', who));
    const [refusal] = fake.messages.slice(before);
    expect(refusal?.ephemeral).toBe(true);
    expect(refusal?.content).toContain('Todavía no conozco esta cuenta.');
  });

  it('answers in a DM as in a server, in the language of the client', async () => {
    const dm: Who = { userId: OWNER, channelId: '900000000000000077', locale: 'en-US' };
    const seen = await turn(dm, (who) => fake.slash('/help', who));
    expect(seen.texts.join('\n')).toContain('Commands you can use');
    expect(fake.messagesIn(dm.channelId)[0]?.ephemeral).toBe(false);
  });

  it('registers again at start only when the definitions changed', async () => {
    const puts = () => fake.calls.filter((call) => call.method === 'PUT').length;
    const before = puts();
    const outcome = await registerDiscordCommands(adapter, config, core, database, false);
    expect(outcome).toMatchObject({ changed: false, scope: `guild:${GUILD}` });
    expect(puts()).toBe(before);
  });

  it('answers PING with PONG', async () => {
    const answer = await fake.send(fake.ping());
    expect(answer).toEqual({ status: 200, body: { type: 1 } });
  });

  it('registered definitions the spec accepts, English with es-ES and es-419', () => {
    const put = fake.calls.find((call) => call.method === 'PUT');
    expect(put?.status).toBe(200);
    const commands = fake.commands.guilds.get(GUILD) as Array<Record<string, any>>;
    const help = commands.find((command) => command.name === 'help');
    expect(help?.name_localizations).toEqual({ 'es-ES': 'ayuda', 'es-419': 'ayuda' });
    expect(help?.description_localizations['es-419']).toBeTruthy();
  });
});

describe('discord autocomplete', () => {
  async function choices(line: string, focus: string, who: Who) {
    const answer = await fake.send(fake.autocomplete(line, focus, who));
    expect(answer.status).toBe(200);
    return (answer.body as { type: number; data: { choices: Array<{ value: string }> } }).data.choices.map(
      (c) => c.value,
    );
  }

  it("completes this chat's saved-filter names, only where the user's role may run the subcommand", async () => {
    const shared: Who = { ...viewer, channelId: owner.channelId };
    for (const name of ['baratos', 'barras', 'caros']) await harness.say(`/filtro agregar ${name} mouse`);
    expect(await choices('/filtro quitar bar', 'nombre', owner)).toEqual(['baratos', 'barras']);
    expect(await choices('/filtro ver', 'nombre', shared)).toEqual(['baratos', 'barras', 'caros']);
    // A viewer may see filters but not remove them: nothing to complete there.
    expect(await choices('/filtro quitar bar', 'nombre', shared)).toEqual([]);
    // Another channel has filters of its own.
    expect(await choices('/filtro ver', 'nombre', viewer)).toEqual([]);
  });
});
