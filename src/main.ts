import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createDb, ping, type Database } from '../db/client.ts';
import { applyMigrations } from '../db/migrate.ts';
import type { Config } from './config.ts';
import { createApp } from './http/app.ts';
import type { CheckState, ReadinessReport } from './http/routes/health.ts';
import type { Logger } from './logger.ts';
import { createMetrics } from './metrics.ts';
import { resolveEncryptionKey } from './secrets.ts';

export interface RunningBodega {
  port: number;
  database: Database;
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

/** The composition root for `bodega start`: config → db → services → http; returns a handle to stop it. */
export async function startBodega(config: Config, log: Logger): Promise<RunningBodega> {
  const encryptionKey = await resolveEncryptionKey(config);
  if (!encryptionKey) log.warn('ENCRYPTION_KEY is not set: features that store secrets (shop connections) stay off');
  const database = await openDatabase(config, log, 'start');
  const metrics = createMetrics();
  const app = createApp({
    log: log.child({ component: 'http' }),
    metrics,
    readiness: () => readiness(config, database),
  });
  const server = serve({ fetch: app.fetch, port: config.port });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  }).catch(async (error) => {
    await database.close();
    throw error;
  });
  const port = (server.address() as AddressInfo).port;
  log.info({ port, database: database.source }, 'bodega is up');

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await closeServer(server);
      await database.close();
    })();
    return stopping;
  };
  return { port, database, stop };
}

async function readiness(config: Config, database: Database): Promise<ReadinessReport> {
  const platform = (configured: unknown): CheckState => (configured ? 'down' : 'off');
  return {
    database: (await ping(database.sql)) ? 'ok' : 'down',
    jobs: 'ok',
    telegram: platform(config.telegram),
    discord: platform(config.discord),
    whatsapp: platform(config.whatsapp),
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
