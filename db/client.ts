import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres, { type Sql } from 'postgres';
import { acquireLock, DataDirInUseError, recordPort, releaseLock, waitForPort } from './data-dir-lock.ts';
import { type DbLog, type EmbeddedPostgres, startEmbeddedPostgres } from './embedded.ts';
import { createDatabaseHealth, type DatabaseHealth } from './health.ts';
import * as schema from './schema/index.ts';

export type Schema = typeof schema;
export type Db = PostgresJsDatabase<Schema>;

export interface Database {
  db: Db;
  sql: Sql;
  /**
   * A pool of its own ({@link BATCH_CONNECTIONS} connections) for the reservation batcher's statements. The main
   * pool hands out its least recently used connection, so a batch every millisecond would land on a cold backend
   * each time (its caches and prepared plans spread over every idle connection); on two connections of their own
   * the batches stay on warm backends and never queue behind other work.
   */
  batchDb: Db;
  /** How the server was found: an external URL, our own embedded server, or one a running `bodega start` holds. */
  source: 'external' | 'embedded' | 'shared';
  /** Whether the server answers; routes answer 503 while it does not. */
  health: DatabaseHealth;
  close(): Promise<void>;
}

export { ping } from './health.ts';

export interface CreateDbOptions {
  url: string | undefined;
  dataDir: string;
  embeddedPort?: number | undefined;
  log: DbLog;
  /** The CLI verb asking; `start` refuses to share a data directory, the others reuse its server. */
  verb: string;
  poolSize?: number;
}

/** Connects to DATABASE_URL, or to the embedded server in `$DATA_DIR/pg`, starting it when nobody has. */
export async function createDb(options: CreateDbOptions): Promise<Database> {
  if (options.url) return connect(options.url, 'external', options.poolSize, options.log);
  const holder = await acquireLock(options.dataDir, options.verb);
  if (holder) return shareRunningServer(options, holder);
  let server: EmbeddedPostgres | undefined;
  let database: Database | undefined;
  try {
    server = await startEmbeddedPostgres({
      dataDir: options.dataDir,
      port: options.embeddedPort,
      log: options.log,
      // The pool exists once the server is up; a death before that fails start instead.
      supervise: {
        onDown: (reason) => database?.health.markDown(reason),
        onUp: () => undefined,
        onFailed: (error) => database?.health.markFailed(error),
      },
    });
    await recordPort(options.dataDir, options.verb, server.port);
    const pool = connect(server.url, 'embedded', options.poolSize, options.log);
    const embedded = server;
    database = {
      ...pool,
      async close() {
        await pool.close();
        await embedded.stop();
        await releaseLock(options.dataDir);
      },
    };
    return database;
  } catch (error) {
    await server?.stop();
    await releaseLock(options.dataDir);
    throw error;
  }
}

async function shareRunningServer(options: CreateDbOptions, holder: { pid: number; verb: string }): Promise<Database> {
  if (options.verb === 'start') throw new DataDirInUseError({ ...holder }, options.dataDir);
  const ready = await waitForPort(options.dataDir);
  if (!ready?.port)
    throw new Error(`bodega (pid ${holder.pid}) holds DATA_DIR=${options.dataDir} but its database is not up`);
  const password = (await readFile(join(options.dataDir, 'pg-password'), 'utf8')).trim();
  options.log.debug({ pid: ready.pid, port: ready.port }, 'using the database of the running bodega');
  const url = `postgres://bodega:${encodeURIComponent(password)}@127.0.0.1:${ready.port}/postgres`;
  return connect(url, 'shared', options.poolSize, options.log);
}

/** Connections of the batch pool: as many as reservation batch statements run at once (hold-batch.ts). */
export const BATCH_CONNECTIONS = 2;

/** A postgres.js pool (and the batch pool), their drizzle handles and health; connecting gives up after a few seconds. */
export function connect(url: string, source: Database['source'], poolSize = 10, log: DbLog = silent): Database {
  const pool = (max: number, name: string) =>
    postgres(url, { max, onnotice: () => {}, connect_timeout: 5, connection: { application_name: name } });
  const sql = pool(poolSize, 'bodega');
  // Opens its connections on first use: a verb that reserves nothing never connects it.
  const batchSql = pool(BATCH_CONNECTIONS, 'bodega-batches');
  const health = createDatabaseHealth({ sql, log });
  return {
    db: drizzle(sql, { schema }),
    sql,
    batchDb: drizzle(batchSql, { schema }),
    source,
    health,
    async close() {
      health.stop();
      // While the server is away there is nothing to wait for: drop the connections at once.
      const timeout = health.state() === 'up' ? 5 : 0;
      await Promise.all([sql.end({ timeout }), batchSql.end({ timeout })]);
    },
  };
}

const silent: DbLog = { info() {}, warn() {}, error() {}, debug() {} };
