import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { type Database, ping } from '../db/client.ts';
import { outboxDepth } from './chat/outbox/outbox.ts';
import type { Sender } from './chat/sender.ts';
import type { Config } from './config.ts';
import { createCore, createJobScheduler, createWorkers, openDatabase } from './core.ts';
import { createUsage } from './domain/usage/index.ts';
import { createApp } from './http/app.ts';
import { etsyOauthRoutes } from './http/routes/etsy-oauth.ts';
import { filesRoutes } from './http/routes/files.ts';
import type { CheckState, ReadinessReport } from './http/routes/health.ts';
import { storefrontRoutes } from './http/routes/storefront/index.ts';
import type { Logger } from './logger.ts';
import { createMetrics } from './metrics.ts';
import type { PlatformSetup } from './platform-setup.ts';
import { resolveEncryptionKey } from './secrets.ts';
import { connectDiscord, discordAdapter } from './wiring/discord.ts';
import { etsyProcessor, etsyWebhook, etsyWiring } from './wiring/etsy.ts';
import { fileStore } from './wiring/reports.ts';
import { connectTelegram, telegramAdapter } from './wiring/telegram.ts';
import { connectWhatsapp, whatsappAdapter } from './wiring/whatsapp.ts';

export interface RunningBodega {
  port: number;
  database: Database;
  /** Printed by `bodega start` while no chat identity belongs to an owner; `changed` when an earlier one stopped working. */
  ownerCode: { code: string; changed: boolean } | undefined;
  /** Resolves when the database cannot come back: the process should exit non-zero so its platform restarts it. */
  failed: Promise<Error>;
  /** Drains and stops everything in reverse order of start; safe to call twice. */
  stop(): Promise<void>;
}

/** The composition root for `bodega start`: config → db → services → http → platforms in the background. */
export async function startBodega(config: Config, log: Logger): Promise<RunningBodega> {
  const encryptionKey = await resolveEncryptionKey(config);
  if (!encryptionKey) log.warn('ENCRYPTION_KEY is not set: features that store secrets (shop connections) stay off');
  const database = await openDatabase(config, log, 'start');
  database.health.watch();
  const usage = createUsage({ db: database.db });
  const metrics = createMetrics({ outboxDepth: () => outboxDepth(database.db), consoleCommands: () => usage.totals() });
  const core = createCore({ database, config, log, metrics });
  // The first start stores the shop's settings from the environment; every process reads them from then on.
  await core.services.settings.current();
  await core.services.people.ensureOwners(config.owners);
  const ownerCode = await core.services.people.ownerCodeIfNoOwner(encryptionKey);
  const telegram = config.telegram
    ? telegramAdapter(config, core, database, log, () => workers.inbound.wake())
    : undefined;
  const whatsapp = config.whatsapp
    ? whatsappAdapter(config, core, database, log, {
        inbound: () => workers.inbound.wake(),
        outbox: () => workers.dispatcher.wake(),
      })
    : undefined;
  const discord = config.discord
    ? discordAdapter(config, core, database, log, () => workers.inbound.wake(), { encryptionKey })
    : undefined;
  const adapters = [telegram, whatsapp?.adapter, discord].filter((adapter) => adapter !== undefined);
  const senders: Sender[] = adapters;
  const etsy = etsyWiring(config);
  const processors = [...adapters.map((a) => a.processor), ...(etsy ? [etsyProcessor(core, log)] : [])];
  const workers = createWorkers(core, database, log, senders, { processors });
  workers.start();
  const webhooks = new Hono();
  if (telegram) webhooks.post('/telegram', (c) => telegram.handleWebhook(c.req.raw));
  if (discord) webhooks.post('/discord', (c) => discord.handleWebhook(c.req.raw));
  const whatsappWebhook = whatsapp?.webhook;
  if (whatsappWebhook) {
    webhooks.get('/whatsapp', (c) => whatsappWebhook.verify(new URL(c.req.url)));
    webhooks.post('/whatsapp', (c) => whatsappWebhook.handle(c.req.raw));
  }
  if (etsy) {
    const wake = () => workers.inbound.wake();
    const handle = etsyWebhook({ secret: etsy.secret, db: database.db, clock: core.clock, log, wake });
    webhooks.post('/etsy', (c) => handle(c.req.raw));
  }
  const scheduler = createJobScheduler(core, database, config, log);
  scheduler.start();
  const platforms: Platforms = {};
  const app = createApp({
    log: log.child({ component: 'http' }),
    metrics: core.metrics,
    database: database.health,
    liveness: () => {
      const state = database.health.state();
      return state === 'failed' ? { alive: false, reason: 'the database cannot come back' } : { alive: true };
    },
    readiness: () => readiness(config, database, scheduler, platforms),
    publicUrl: config.publicUrl,
    metricsToken: config.metricsToken,
    routes: [
      {
        path: '/api/v1',
        app: storefrontRoutes({
          inventory: core.services.inventory,
          apiKeys: core.services.apiKeys,
          clock: core.clock,
        }),
      },
      { path: '/webhooks', app: webhooks },
      { path: '/oauth/etsy', app: etsyOauthRoutes((query) => core.services.shops.finish(query)) },
      {
        path: '/files',
        app: filesRoutes({ store: () => fileStore(config, database.db), now: () => core.clock.now() }),
      },
    ],
  });
  const server = serve({ fetch: app.fetch, port: config.port });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  }).catch(async (error) => {
    await scheduler.stop();
    await workers.stop();
    await database.close();
    throw error;
  });
  const port = (server.address() as AddressInfo).port;
  const telegramLink = telegram ? connectTelegram(telegram, config, core, database, log) : undefined;
  if (telegramLink) platforms.telegram = telegramLink.setup;
  const whatsappLink = whatsapp ? connectWhatsapp(whatsapp, core, database, log) : undefined;
  if (whatsappLink) platforms.whatsapp = whatsappLink.setup;
  const discordLink = discord ? connectDiscord(discord, config, core, database, log) : undefined;
  if (discordLink) platforms.discord = discordLink.setup;
  log.info(
    {
      port,
      database: database.source,
      telegram: telegram ? (config.publicUrl ? 'webhook' : 'polling') : 'off',
      whatsapp: config.whatsapp?.mode ?? 'off',
      discord: discord ? (config.publicUrl ? 'interactions' : 'gateway') : 'off',
    },
    'bodega is up',
  );

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await closeServer(server);
      await telegramLink?.stop();
      await whatsappLink?.stop();
      await discordLink?.stop();
      await scheduler.stop();
      await workers.stop();
      await core.close();
      await database.close();
    })();
    return stopping;
  };
  return { port, database, ownerCode, failed: database.health.failed, stop };
}

/** The platforms being set up or running, by name; a configured platform missing here cannot run. */
type Platforms = Partial<Record<'telegram' | 'discord' | 'whatsapp', PlatformSetup>>;

async function readiness(
  config: Config,
  database: Database,
  scheduler: { running(): boolean },
  platforms: Platforms,
): Promise<ReadinessReport> {
  const reasons: NonNullable<ReadinessReport['reasons']> = {};
  const platform = (name: keyof Platforms): CheckState => {
    if (!config[name]) return 'off';
    const setup = platforms[name];
    const reason = setup ? setup.reason() : 'configured, but this version cannot run it yet';
    if (reason) reasons[name] = reason;
    return setup?.state() ?? 'down';
  };
  const reachable = database.health.state() === 'up' && (await ping(database.sql));
  if (!reachable) reasons.database = database.health.state() === 'failed' ? 'cannot come back' : 'unreachable';
  return {
    database: reachable ? 'ok' : 'down',
    jobs: scheduler.running() ? 'ok' : 'down',
    telegram: platform('telegram'),
    discord: platform('discord'),
    whatsapp: platform('whatsapp'),
    reasons,
  };
}

/** Stops accepting connections, lets requests in flight finish, then drops idle keep-alive sockets. */
async function closeServer(server: ReturnType<typeof serve>) {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    if ('closeIdleConnections' in server) server.closeIdleConnections();
    setTimeout(() => {
      if ('closeAllConnections' in server) server.closeAllConnections();
    }, 3_000).unref();
  });
}
