import { hostname } from 'node:os';
import { createDb, type Database } from '../db/client.ts';
import { applyMigrations } from '../db/migrate.ts';
import { type BackupDeps, backupJob } from '../jobs/backup.job.ts';
import { type MonthlyReportDeps, monthlyReportJob } from '../jobs/monthly-report.job.ts';
import { pruneChatStateJob } from '../jobs/prune-chat-state.job.ts';
import { releaseExpiredReservationsJob } from '../jobs/release-expired-reservations.job.ts';
import { createScheduler, type Scheduler } from '../jobs/scheduler.ts';
import { pushShopsJob, syncShopsJob } from '../jobs/sync-shops.job.ts';
import { verifyStockJob } from '../jobs/verify-stock.job.ts';
import { watchFiltersJob } from '../jobs/watch-filters.job.ts';
import { watchPricesJob } from '../jobs/watch-prices.job.ts';
import { createInboundWorker, type InboundProcessor } from './chat/inbound.ts';
import { createDispatcher, type Dispatcher } from './chat/outbox/dispatcher.ts';
import { enqueue, heldMessages } from './chat/outbox/outbox.ts';
import { type ChatRetention, createChatRetention } from './chat/retention.ts';
import type { Sender } from './chat/sender.ts';
import { createSubscriptions } from './chat/subscriptions.ts';
import { createTaskRunner, type TaskDefinition, type TaskRunner } from './chat/task-runner.ts';
import { createTasks } from './chat/tasks.ts';
import { type Clock, systemClock } from './clock.ts';
import { filterNotifier, lowStockNotifier, watchNotifier } from './commands/alerts.ts';
import type { Services } from './commands/context.ts';
import { filterRunTask } from './commands/filters.ts';
import { coreCommands } from './commands/index.ts';
import { monthlyReportSender } from './commands/monthly-report.ts';
import { type CommandRateLimit, createCommandRateLimit } from './commands/rate-limit.ts';
import { type Command, createRegistry, type Registry } from './commands/registry.ts';
import { reportTask } from './commands/reports.ts';
import { createRouter, type Router } from './commands/router.ts';
import { searchTask } from './commands/search.ts';
import { shopNotifier, syncTask } from './commands/shops.ts';
import { watchAddTask } from './commands/watches.ts';
import type { Config } from './config.ts';
import { createApiKeys } from './domain/apikeys/index.ts';
import { createInventory } from './domain/inventory/index.ts';
import { createJobRuns } from './domain/jobs/index.ts';
import { createPeople } from './domain/people/index.ts';
import { createSettings, seedSettings } from './domain/settings/index.ts';
import { createShops } from './domain/shops/index.ts';
import {
  createSavedFilters,
  createSupplierSearch,
  createSupplierSource,
  createWatches,
  type SavedFilters,
  type Watches,
} from './domain/sourcing/index.ts';
import type { Logger } from './logger.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { resolveEncryptionKey } from './secrets.ts';
import { dailyBackup } from './wiring/backups.ts';
import { fileStore, reportsService } from './wiring/reports.ts';

// What every verb shares: the database, the services and commands over it, and the workers that deliver.
// `bodega start` (main.ts), `bodega chat` and `bodega run` (console-session.ts) and the CLI's job verbs build on it.

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
  clock: Clock;
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
  const people = createPeople({ db, clock });
  const inventory = createInventory({
    db,
    batchDb: options.database.batchDb,
    clock,
    notify: lowStockNotifier(subscriptions, settings, clock),
  });
  const services: Services = {
    people,
    tasks: createTasks({ db }),
    subscriptions,
    inventory,
    settings,
    search,
    filters: createSavedFilters({ db, clock, search, settings, notify: filterNotifier(settings) }),
    watches: createWatches({ db, clock, source, settings, notify: watchNotifier(settings), log: sourceLog }),
    apiKeys: createApiKeys({ db }),
    outbox: { held: () => heldMessages(db) },
    reports: reportsService(options.config, db, clock),
    shops: createShops({
      db,
      sql: options.database.sql,
      clock,
      log: options.log.child({ component: 'etsy' }),
      inventory,
      key: () => resolveEncryptionKey(options.config),
      etsy: etsyConfig(options.config),
      notify: shopNotifier(() => people, settings, clock),
    }),
  };

  const registry = createRegistry([...coreCommands, ...(options.extraCommands ?? [])]);
  const router = createRouter({
    registry,
    services,
    clock,
    metrics,
    log: options.log.child({ component: 'commands' }),
    rateLimit: options.rateLimit ?? createCommandRateLimit({ clock }),
  });
  return {
    registry,
    services,
    router,
    metrics,
    clock,
    taskDefinitions: [
      searchTask(services),
      filterRunTask(services),
      watchAddTask(services),
      reportTask(services),
      syncTask(services),
      ...(options.extraTasks ?? []),
    ],
    close: async () => {
      await source.close();
      await services.shops.close();
    },
  };
}

/** Etsy's settings for the shops area, with the callback on PUBLIC_URL (or this machine's port without one). */
function etsyConfig(config: Config) {
  if (!config.etsy) return undefined;
  const base = config.publicUrl ?? `http://localhost:${config.port}`;
  return { ...config.etsy, redirectUri: new URL('/oauth/etsy/callback', base).toString() };
}

/** The workers that run recorded updates, deliver replies and run long tasks; `start()` runs them in the background. */
export function createWorkers(
  core: Core,
  database: Database,
  log: Logger,
  senders: Sender[],
  options: { chatIds?: string[]; processors?: InboundProcessor[] } = {},
) {
  const { chatIds } = options;
  const dispatcher: Dispatcher = createDispatcher({
    db: database.db,
    log: log.child({ component: 'outbox' }),
    senders,
    clock: core.clock,
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
    clock: core.clock,
    ...(chatIds ? { chatIds } : {}),
    onQueued: () => dispatcher.wake(),
  });
  const inbound = createInboundWorker({
    db: database.db,
    log: log.child({ component: 'inbound' }),
    processors: options.processors ?? [],
    clock: core.clock,
    onQueued: () => dispatcher.wake(),
  });
  return {
    dispatcher,
    runner,
    inbound,
    start() {
      inbound.start();
      dispatcher.start();
      runner.start();
    },
    async stop() {
      await inbound.stop();
      await runner.stop();
      await dispatcher.stop();
    },
  };
}

export type Workers = ReturnType<typeof createWorkers>;

export function createJobScheduler(core: Core, database: Database, config: Config, log: Logger): Scheduler {
  return createScheduler<JobDeps>({
    runs: createJobRuns(database),
    log: log.child({ component: 'jobs' }),
    jobs: [
      pruneChatStateJob,
      releaseExpiredReservationsJob,
      verifyStockJob,
      watchFiltersJob,
      watchPricesJob,
      monthlyReportJob,
      backupJob,
      syncShopsJob,
      pushShopsJob,
    ],
    deps: {
      clock: core.clock,
      retention: createChatRetention({ db: database.db }),
      inventory: core.services.inventory,
      filters: core.services.filters,
      watches: core.services.watches,
      sendMonthlyReport: monthlyReportSender({
        services: core.services,
        enqueue: (target, reply, locale, key) => enqueue(database.db, target, reply, locale, key),
        instance: `${hostname()}:${process.pid}`,
      }),
      backup: (now) => dailyBackup(config, database, now),
      shops: core.services.shops,
      pruneFiles: async (now) => (await fileStore(config, database.db))?.prune(now) ?? 0,
    },
    timezone: config.timezone,
    clock: core.clock,
    metrics: core.metrics,
  });
}

/** What scheduled jobs are handed: domain and chat services, never the database itself. */
interface JobDeps extends MonthlyReportDeps, BackupDeps {
  clock: Clock;
  retention: ChatRetention;
  inventory: Core['services']['inventory'];
  filters: SavedFilters;
  watches: Watches;
  shops: Core['services']['shops'];
}
