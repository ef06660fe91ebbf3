import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type Database } from '../db/client.ts';
import { startEmbeddedPostgres } from '../db/embedded.ts';
import { applyMigrations } from '../db/migrate.ts';
import { quietLog } from '../test/helpers/database-url.ts';

/** A throwaway migrated Postgres for one bench (or BENCH_DATABASE_URL). */
export async function benchDatabase(poolSize = 20): Promise<Database & { url: string; dispose(): Promise<void> }> {
  const external = process.env.BENCH_DATABASE_URL;
  if (external) {
    const database = connect(external, 'external', poolSize);
    await applyMigrations(database);
    return { ...database, url: external, dispose: () => database.close() };
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'bodega-bench-'));
  const server = await startEmbeddedPostgres({ dataDir, log: quietLog });
  const database = connect(server.url, 'embedded', poolSize);
  await applyMigrations(database);
  return {
    ...database,
    url: server.url,
    async dispose() {
      await database.close();
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
