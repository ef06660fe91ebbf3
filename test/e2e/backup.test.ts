import { readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { restoreBackup } from '../../src/domain/backups/index.ts';
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

  it('the daily backup job writes into $DATA_DIR/backups and removes backups older than BACKUP_KEEP_DAYS', {
    timeout: 60_000,
  }, async () => {
    const source = await database();
    const dataDir = await freshDataDir();
    const env = { DATABASE_URL: source.url, DATA_DIR: dataDir, LOG_LEVEL: 'warn', BACKUP_KEEP_DAYS: '3' };
    const dir = join(dataDir, 'backups');
    expect((await runBodega(['job', 'run', 'backup'], env)).code).toBe(0);
    const [first] = await readdir(dir);
    expect(first).toMatch(/^bodega-.*\.ndjson\.gz$/);
    const old = 'bodega-2020-01-01T03-17-00-000Z.ndjson.gz';
    await writeFile(join(dir, old), 'old');
    await writeFile(join(dir, 'mine.txt'), 'not a backup');
    const fourDaysAgo = new Date(Date.now() - 4 * 86_400_000);
    for (const name of [old, 'mine.txt', first as string]) await utimes(join(dir, name), fourDaysAgo, fourDaysAgo);
    expect((await runBodega(['job', 'run', 'backup'], env)).code).toBe(0);
    const left = await readdir(dir);
    expect(left).toHaveLength(2);
    expect(left).toContain('mine.txt');
    expect(left).not.toContain(old);
    expect(left).not.toContain(first);
  });

  it('refuses a missing file, a cut or edited backup, and rows that break a key, leaving the database empty', {
    timeout: 120_000,
  }, async () => {
    const source = await database();
    const dataDir = await freshDataDir();
    const env = { DATABASE_URL: source.url, DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
    expect((await runBodega(['run', '/producto agregar BK-9 Taza precio:10 stock:3'], env)).code).toBe(0);
    const file = join(dataDir, 'good.ndjson.gz');
    expect((await runBodega(['backup', file], env)).code).toBe(0);
    const text = gunzipSync(await readFile(file)).toString();

    const target = await database();
    const targetEnv = { DATABASE_URL: target.url, DATA_DIR: await freshDataDir(), LOG_LEVEL: 'warn' };
    const missing = await runBodega(['restore', join(dataDir, 'nope.gz')], targetEnv);
    expect([missing.code, missing.stderr]).toEqual([1, expect.stringContaining('No encuentro una copia en')]);

    const edited = join(dataDir, 'edited.ndjson.gz');
    await writeFile(edited, gzipSync(text.replace(/"products":1\b/, '"products":2')));
    const refused = await runBodega(['restore', edited], targetEnv);
    expect([refused.code, refused.stderr]).toEqual([1, expect.stringContaining('no es una copia de bodega válida')]);
    const cut = join(dataDir, 'cut.ndjson.gz');
    await writeFile(cut, gzipSync(text.slice(0, text.indexOf('#end '))));
    const cutShort = await runBodega(['restore', cut], targetEnv);
    expect([cutShort.code, cutShort.stderr]).toEqual([1, expect.stringContaining('no es una copia de bodega válida')]);
    const broken = join(dataDir, 'broken.ndjson.gz');
    const bytes = await readFile(file);
    await writeFile(broken, bytes.subarray(0, bytes.length - 40));
    const brokenGzip = await runBodega(['restore', broken], targetEnv);
    expect([brokenGzip.code, brokenGzip.stderr]).toEqual([
      1,
      expect.stringContaining('no es una copia de bodega válida'),
    ]);
    const plain = join(dataDir, 'plain.ndjson');
    await writeFile(plain, text);
    const notGzip = await runBodega(['restore', plain], targetEnv);
    expect([notGzip.code, notGzip.stderr]).toEqual([1, expect.stringContaining('no es una copia de bodega válida')]);

    // A stock level whose product is not in the backup: the key is checked when it is added back, and all undone.
    const orphan = text.replace(/(#table \{"name":"stock_levels"[^\n]*\n"\()(\d+)/, '$1999999');
    expect(orphan).not.toBe(text);
    const orphanFile = join(dataDir, 'orphan.ndjson.gz');
    await writeFile(orphanFile, gzipSync(orphan));
    await expect(restoreBackup(target.sql, orphanFile)).rejects.toMatchObject({
      reason: 'reports.backup_invalid',
      message: expect.stringContaining('foreign key'),
    });
    const [row] = await target.sql`select count(*)::int as n from products`;
    expect(row?.n).toBe(0);
  });
});
