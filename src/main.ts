import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createTelegramAdapter, type TelegramAdapter } from '../bots/telegram/adapter.ts';
import { createDb, type Database, ping } from '../db/client.ts';
import { applyMigrations } from '../db/migrate.ts';
import { pruneChatStateJob } from '../jobs/prune-chat-state.job.ts';
import { releaseExpiredReservationsJob } from '../jobs/release-expired-reservations.job.ts';
import { createScheduler, type Scheduler } from '../jobs/scheduler.ts';
import { verifyStockJob } from '../jobs/verify-stock.job.ts';
import { watchFiltersJob } from '../jobs/watch-filters.job.ts';
import { watchPricesJob } from '../jobs/watch-prices.job.ts';
import { createButtonStore } from './chat/buttons.ts';
import { firstDelivery } from './chat/inbound.ts';
import { createDispatcher, type Dispatcher } from './chat/outbox/dispatcher.ts';
import { enqueue, outboxDepth } from './chat/outbox/outbox.ts';
import type { Sender } from './chat/sender.ts';
import { createSubscriptions } from './chat/subscriptions.ts';
import { createTaskRunner, type TaskDefinition, type TaskRunner } from './chat/task-runner.ts';
import { createTasks } from './chat/tasks.ts';
import { type Clock, systemClock } from './clock.ts';
import { filterNotifier, lowStockNotifier, watchNotifier } from './commands/alerts.ts';
import type { Services } from './commands/context.ts';
import { filterRunTask } from './commands/filters.ts';
import { coreCommands } from './commands/index.ts';
import { type CommandRateLimit, createCommandRateLimit } from './commands/rate-limit.ts';
import { type Command, createRegistry, type Registry } from './commands/registry.ts';
import { createRouter, type Router } from './commands/router.ts';
import { searchTask } from './commands/search.ts';
import { watchAddTask } from './commands/watches.ts';
import type { Config } from './config.ts';
import { createApiKeys } from './domain/apikeys/index.ts';
import { createInventory } from './domain/inventory/index.ts';
import { createPeople } from './domain/people/index.ts';
import { createSettings, seedSettings } from './domain/settings/index.ts';
import {
  createSavedFilters,
  createSupplierSearch,
  createSupplierSource,
  createWatches,
  type SavedFilters,
  type Watches,
} from './domain/sourcing/index.ts';
import { createApp } from './http/app.ts';
import type { CheckState, ReadinessReport } from './http/routes/health.ts';
import { storefrontRoutes } from './http/routes/storefront.ts';
import { holdLeadership } from './leadership.ts';
import type { Logger } from './logger.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { resolveEncryptionKey } from './secrets.ts';

export interface RunningBodega {
  port: number;
  database: Database;
  /** Printed by `bodega start` while no chat identity belongs to an owner. */
  ownerCode: string | undefined;
  /** Drains and stops everything in reverse order of start; safe to call twice. */
  stop(): Promise<void>;
}

/** Opens the database for a CLI verb, applying migrations first. */
export async function openDatabase(config: Config, log: Logger, verb: string): Promise<Database> {
  const database = await createDb({
    url: config.database.url,
    dataDir: config.dataDir,
    embeddedPort: config.database.embeddedPort,
    log: log.child({ component: 'db' }),
    verb,
  });
  try {
    const applied = await applyMigrations(database);
    if (applied > 0) log.info({ applied }, 'database migrations applied');
    return database;
  } catch (error) {
    await database.close();
    throw error;
  }
}

/** Everything chat needs, shared by `bodega start`, `bodega chat` and `bodega run`. */
export interface Core {
  registry: Registry;
  services: Services;
  router: Router;
  taskDefinitions: TaskDefinition[];
  metrics: Metrics;
  /** Releases what the services hold open (the supplier source's connections). */
  close(): Promise<void>;
}

export function createCore(options: {
  database: Database;
  config: Config;
  log: Logger;
  clock?: Clock;
  metrics?: Metrics;
  extraCommands?: Command[];
  extraTasks?: TaskDefinition[];
  rateLimit?: CommandRateLimit;
}): Core {
  const { db } = options.database;
  const clock = options.clock ?? systemClock;
  const metrics = options.metrics ?? createMetrics();
  const subscriptions = createSubscriptions({ db });
  const settings = createSettings({ db, clock, seed: seedSettings(options.config) });
  const aliexpress = options.config.aliexpress;
  const sourceLog = options.log.child({ component: 'aliexpress' });
  const source = createSupplierSource({ ...aliexpress, log: sourceLog });
  const search = createSupplierSearch({ db, source });
  const services: Services = {
    people: createPeople({ db, clock }),
    tasks: createTasks({ db }),
    subscriptions,
    inventory: createInventory({ db, clock, notify: lowStockNotifier(subscriptions, settings) }),
    settings,
    search,
    filters: createSavedFilters({ db, clock, search, settings, notify: filterNotifier(settings) }),
    watches: createWatches({ db, clock, source, settings, notify: watchNotifier(settings), log: sourceLog }),
  };
  const registry = createRegistry([...coreCommands, ...(options.extraCommands ?? [])]);
  const router = createRouter({
    registry,
    services,
    clock,
    metrics,
    log: options.log.child({ component: 'commands' }),
    rateLimit: options.rateLimit ?? createCommandRateLimit(),
  });
  return {
    registry,
    services,
    router,
    metrics,
    taskDefinitions: [
      searchTask(services),
      filterRunTask(services),
      watchAddTask(services),
      ...(options.extraTasks ?? []),
    ],
    close: () => source.close(),
  };
}

/** The workers that deliver replies and run long tasks for a set of senders; `start()` runs them in the background. */
export function createWorkers(core: Core, database: Database, log: Logger, senders: Sender[], chatIds?: string[]) {
  const dispatcher: Dispatcher = createDispatcher({
    db: database.db,
    log: log.child({ component: 'outbox' }),
    senders,
    ...(chatIds ? { chatIds } : {}),
    onFirstPartSent: async ({ reply, messageId }) => {
      if (reply.taskId !== undefined) await core.services.tasks.attachProgressMessage(reply.taskId, messageId);
    },
  });
  const runner: TaskRunner = createTaskRunner({
    db: database.db,
    log: log.child({ component: 'tasks' }),
    tasks: core.services.tasks,
    definitions: core.taskDefinitions,
    senders,
    ...(chatIds ? { chatIds } : {}),
    onQueued: () => dispatcher.wake(),
  });
  return {
    dispatcher,
    runner,
    start() {
      dispatcher.start();
      runner.start();
    },
    async stop() {
      await runner.stop();
      await dispatcher.stop();
    },
  };
}

export function createJobScheduler(core: Core, database: Database, config: Config, log: Logger): Scheduler {
  return createScheduler<{
    db: Database['db'];
    inventory: Core['services']['inventory'];
    filters: SavedFilters;
    watches: Watches;
  }>({
    db: database.db,
    sql: database.sql,
    log: log.child({ component: 'jobs' }),
    jobs: [pruneChatStateJob, releaseExpiredReservationsJob, verifyStockJob, watchFiltersJob, watchPricesJob],
    deps: {
      db: database.db,
      inventory: core.services.inventory,
      filters: core.services.filters,
      watches: core.services.watches,
    },
    timezone: config.timezone,
    metrics: core.metrics,
  });
}

/** The composition root for `bodega start`: config → db → services → http; returns a handle to stop it. */
export async function startBodega(config: Config, log: Logger): Promise<RunningBodega> {
  const encryptionKey = await resolveEncryptionKey(config);
  if (!encryptionKey) log.warn('ENCRYPTION_KEY is not set: features that store secrets (shop connections) stay off');
  const database = await openDatabase(config, log, 'start');
  const metrics = createMetrics({ outboxDepth: () => outboxDepth(database.db) });
  const core = createCore({ database, config, log, metrics });
  // The first start stores the shop's settings from the environment; every process reads them from then on.
  await core.services.settings.current();
  await core.services.people.ensureOwners(config.owners);
  const ownerCode = await core.services.people.ownerCodeIfNoOwner();
  const telegram = config.telegram
    ? telegramAdapter(config, core, database, log, () => workers.dispatcher.wake())
    : undefined;
  const senders: Sender[] = telegram ? [telegram] : [];
  const workers = createWorkers(core, database, log, senders);
  workers.start();
  const webhooks = new Hono();
  if (telegram) webhooks.post('/telegram', (c) => telegram.handleWebhook(c.req.raw));
  const scheduler = createJobScheduler(core, database, config, log);
  scheduler.start();
  const app = createApp({
    log: log.child({ component: 'http' }),
    metrics: core.metrics,
    readiness: () => readiness(config, database, scheduler, { telegram }),
    routes: [
      {
        path: '/api/v1',
        app: storefrontRoutes({ inventory: core.services.inventory, apiKeys: createApiKeys({ db: database.db }) }),
      },
      { path: '/webhooks', app: webhooks },
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
  const polling = telegram ? await connectTelegram(telegram, config, core, database, log) : undefined;
  log.info(
    { port, database: database.source, telegram: telegram ? (config.publicUrl ? 'webhook' : 'polling') : 'off' },
    'bodega is up',
  );

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await closeServer(server);
      await telegram?.stop();
      await polling?.release();
      await scheduler.stop();
      await workers.stop();
      await core.close();
      await database.close();
    })();
    return stopping;
  };
  return { port, database, ownerCode, stop };
}

/** The Telegram adapter wired to the router, the dedupe store, the outbox (`wake` nudges its dispatcher) and button storage. */
export function telegramAdapter(
  config: Config,
  core: Core,
  database: Database,
  log: Logger,
  wake: () => void,
): TelegramAdapter {
  const settings = config.telegram as NonNullable<Config['telegram']>;
  return createTelegramAdapter({
    token: settings.token,
    apiRoot: settings.apiRoot,
    webhookSecret: settings.webhookSecret,
    router: core.router,
    log: log.child({ component: 'telegram' }),
    firstDelivery: (updateId) => firstDelivery(database.db, 'telegram', updateId),
    enqueue: async (target, reply, locale, key) => {
      await enqueue(database.db, target, reply, locale, key);
      wake();
    },
    buttons: createButtonStore({ db: database.db }),
  });
}

/** Checks the token, publishes the menus, then takes updates by webhook (PUBLIC_URL) or by polling on one instance. */
async function connectTelegram(telegram: TelegramAdapter, config: Config, core: Core, database: Database, log: Logger) {
  try {
    await telegram.start();
    await telegram.setCommands(core.registry);
    if (config.publicUrl) {
      await telegram.setWebhook(`${config.publicUrl}/webhooks/telegram`);
      return undefined;
    }
    return holdLeadership(database, 'telegram-polling', log, () => telegram.startPolling());
  } catch (error) {
    log.error({ err: error }, 'telegram could not start; it stays off until the next start');
    return undefined;
  }
}

async function readiness(
  config: Config,
  database: Database,
  scheduler: Scheduler,
  adapters: { telegram: TelegramAdapter | undefined },
): Promise<ReadinessReport> {
  // A platform that is configured but has no running adapter (not built yet, or failed to start) is down.
  const state = (configured: unknown, adapter?: { state(): CheckState }): CheckState =>
    configured ? (adapter?.state() ?? 'down') : 'off';
  return {
    database: (await ping(database.sql)) ? 'ok' : 'down',
    jobs: scheduler.running() ? 'ok' : 'down',
    telegram: state(config.telegram, adapters.telegram),
    discord: state(config.discord),
    whatsapp: state(config.whatsapp),
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
