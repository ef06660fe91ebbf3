import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres, { type Sql } from 'postgres';
import { acquireLock, DataDirInUseError, recordPort, releaseLock, waitForPort } from './data-dir-lock.ts';
import { type DbLog, type EmbeddedPostgres, startEmbeddedPostgres } from './embedded.ts';
import * as schema from './schema/index.ts';

export type Schema = typeof schema;
export type Db = PostgresJsDatabase<Schema>;

export interface Database {
  db: Db;
  sql: Sql;
  /** How the server was found: an external URL, our own embedded server, or one a running `bodega start` holds. */
  source: 'external' | 'embedded' | 'shared';
  close(): Promise<void>;
}

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
  if (options.url) return connect(options.url, 'external', options.poolSize);
  const holder = await acquireLock(options.dataDir, options.verb);
  if (holder) return shareRunningServer(options, holder);
  let server: EmbeddedPostgres | undefined;
  try {
    server = await startEmbeddedPostgres({ dataDir: options.dataDir, port: options.embeddedPort, log: options.log });
    await recordPort(options.dataDir, options.verb, server.port);
    const database = connect(server.url, 'embedded', options.poolSize);
    const embedded = server;
    return {
      ...database,
      async close() {
        await database.close();
        await embedded.stop();
        await releaseLock(options.dataDir);
      },
    };
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
  return connect(
    `postgres://bodega:${encodeURIComponent(password)}@127.0.0.1:${ready.port}/postgres`,
    'shared',
    options.poolSize,
  );
}

/** A postgres.js pool and its drizzle handle. */
export function connect(url: string, source: Database['source'], poolSize = 10): Database {
  const sql = postgres(url, {
    max: poolSize,
    onnotice: () => {},
    connect_timeout: 10,
    connection: { application_name: 'bodega' },
  });
  return {
    db: drizzle(sql, { schema }),
    sql,
    source,
    close: () => sql.end({ timeout: 5 }),
  };
}

/** True when the server answers a trivial query within the time limit. */
export async function ping(sql: Sql, timeoutMs = 2_000): Promise<boolean> {
  const timeout = new Promise<boolean>((resolve) => setTimeout(resolve, timeoutMs, false).unref());
  return Promise.race([
    sql`select 1`.then(
      () => true,
      () => false,
    ),
    timeout,
  ]);
}
