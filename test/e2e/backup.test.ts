import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBodega, useTempDataDirs } from '../helpers/cli.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

const freshDataDir = useTempDataDirs();
const databases: Array<TestDatabase & { drop(): Promise<void> }> = [];
afterAll(() => Promise.all(databases.map((database) => database.drop())));

async function database() {
  const created = await createTestDatabase();
  databases.push(created);
  return created;
}

/** Row count and a checksum of every row of every table, to compare two databases. */
async function fingerprint(target: TestDatabase) {
  const tables = await target.sql<{ name: string }[]>`select tablename as name from pg_tables
    where schemaname = 'public' order by tablename`;
  const result: Record<string, { rows: number; sum: string }> = {};
  for (const { name } of tables) {
    const [row] = await target.sql`select count(*)::int as rows,
      coalesce(md5(string_agg(t::text, '|' order by t::text)), '') as sum from ${target.sql(name)} t`;
    result[name] = { rows: row?.rows as number, sum: row?.sum as string };
  }
  return result;
}

describe('bodega backup and bodega restore', () => {
  it('restore into a fresh database gives identical rows and sums, and stock verify is clean', {
    timeout: 180_000,
  }, async () => {
    const source = await database();
    const dataDir = await freshDataDir();
    const env = { DATABASE_URL: source.url, DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
    for (const line of [
      '/producto agregar BK-1 Taza "de" barro precio:120.50 stock:30 umbral:4',
      '/producto agregar BK-2 Plato precio:80',
      '/stock agregar BK-2 12 llegó el pedido, con "comillas" y \\barra',
      '/reservar BK-1 3',
      '/confirmar 1',
      '/reservar BK-2 2',
    ])
      expect((await runBodega(['run', line], env)).code, line).toBe(0);
    const file = join(dataDir, 'copy.ndjson.gz');
    const backup = await runBodega(['backup', file], env);
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stdout).toContain(`Copia guardada en ${file}`);

    const target = await database();
    const targetEnv = { DATABASE_URL: target.url, DATA_DIR: await freshDataDir(), LOG_LEVEL: 'warn' };
    const restore = await runBodega(['restore', file], targetEnv);
    expect(restore.code, restore.stderr).toBe(0);
    expect(await fingerprint(target)).toEqual(await fingerprint(source));
    const verify = await runBodega(['stock', 'verify'], targetEnv);
    expect(verify.code, verify.stdout).toBe(0);
    // Sequences continue after the restored rows: a new product gets a new id.
    expect((await runBodega(['run', '/producto agregar BK-3 Vaso precio:10'], targetEnv)).code).toBe(0);

    const again = await runBodega(['restore', file], targetEnv);
    expect([again.code, again.stderr]).toEqual([1, expect.stringContaining('no está vacía')]);
  });

  it('the daily backup job writes into $DATA_DIR/backups', { timeout: 60_000 }, async () => {
    const source = await database();
    const dataDir = await freshDataDir();
    const env = { DATABASE_URL: source.url, DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
    expect((await runBodega(['job', 'run', 'backup'], env)).code).toBe(0);
    const { readdir } = await import('node:fs/promises');
    expect(await readdir(join(dataDir, 'backups'))).toEqual([expect.stringMatching(/^bodega-.*\.ndjson\.gz$/)]);
  });
});
