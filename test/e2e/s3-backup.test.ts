import { readdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
// @ts-expect-error s3rver ships no types
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneBackups } from '../../src/domain/backups/index.ts';
import { s3Blobs } from '../../src/domain/files/index.ts';
import { runBodega, useTempDataDirs } from '../helpers/cli.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

const freshDataDir = useTempDataDirs();
const databases: Array<TestDatabase & { drop(): Promise<void> }> = [];
let server: { close(): Promise<void> };
let endpoint = '';
const BUCKET = 'bodega-backups';

beforeAll(async () => {
  const s3 = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: await freshDataDir(),
    configureBuckets: [{ name: BUCKET }],
  });
  endpoint = `http://127.0.0.1:${((await s3.run()) as AddressInfo).port}`;
  server = s3;
});
afterAll(async () => {
  await server.close();
  await Promise.all(databases.map((database) => database.drop()));
});

async function database() {
  const created = await createTestDatabase();
  databases.push(created);
  return created;
}

const s3Env = () => ({
  S3_ENDPOINT: endpoint,
  S3_BUCKET: BUCKET,
  S3_ACCESS_KEY_ID: 'S3RVER',
  S3_SECRET_ACCESS_KEY: 'S3RVER',
});
const bucket = () =>
  s3Blobs({ endpoint, bucket: BUCKET, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, '');

async function stockOf(target: TestDatabase) {
  return target.sql`select p.sku, s.total, s.reserved, s.sold from products p join stock_levels s on s.product_id = p.id
    order by p.sku`;
}

describe('backups in S3-compatible object storage (s3rver)', () => {
  it('bodega backup goes to the bucket, and bodega restore takes it back from there by its s3:// name', {
    timeout: 180_000,
  }, async () => {
    const source = await database();
    const dataDir = await freshDataDir();
    const env = { DATABASE_URL: source.url, DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...s3Env() };
    for (const line of ['/producto agregar S3-1 Jarra precio:99.90 stock:7', '/reservar S3-1 2', '/confirmar 1'])
      expect((await runBodega(['run', line], env)).code, line).toBe(0);

    const backup = await runBodega(['backup'], env);
    expect(backup.code, backup.stderr).toBe(0);
    const location = /Copia guardada en (s3:\/\/\S+):/.exec(backup.stdout)?.[1] ?? '';
    expect(location).toMatch(new RegExp(`^s3://${BUCKET}/backups/bodega-[0-9TZ-]+\\.ndjson\\.gz$`));
    const keys = (await bucket().list()).map((item) => item.key);
    expect(keys).toEqual([location.slice(`s3://${BUCKET}/`.length)]);
    // Nothing left on the machine: the bucket is the copy.
    expect(await readdir(dataDir)).not.toContain('backups');

    const target = await database();
    const targetEnv = { DATABASE_URL: target.url, DATA_DIR: await freshDataDir(), LOG_LEVEL: 'warn', ...s3Env() };
    const restore = await runBodega(['restore', location], targetEnv);
    expect(restore.code, restore.stderr).toBe(0);
    expect(await stockOf(target)).toEqual(await stockOf(source));
    expect(await stockOf(target)).toEqual([{ sku: 'S3-1', total: 7, reserved: 0, sold: 2 }]);
    expect((await runBodega(['stock', 'verify'], targetEnv)).code).toBe(0);
  });

  it('refuses a name that is not there, another bucket, or s3:// without storage, and changes nothing', {
    timeout: 60_000,
  }, async () => {
    const target = await database();
    const env = { DATABASE_URL: target.url, DATA_DIR: await freshDataDir(), LOG_LEVEL: 'warn' };
    const missing = await runBodega(['restore', `s3://${BUCKET}/backups/bodega-2020-01-01T00-00-00-000Z.ndjson.gz`], {
      ...env,
      ...s3Env(),
    });
    expect([missing.code, missing.stderr]).toEqual([1, expect.stringContaining('No encuentro una copia en s3://')]);
    const outside = await runBodega(['restore', `s3://${BUCKET}/../files/x.bin`], { ...env, ...s3Env() });
    expect([outside.code, outside.stderr]).toEqual([1, expect.stringContaining('No encuentro una copia')]);
    const other = await runBodega(['restore', 's3://otro/backups/bodega-1.ndjson.gz'], { ...env, ...s3Env() });
    expect([other.code, other.stderr]).toEqual([1, expect.stringContaining(`bodega usa ${BUCKET}`)]);
    const none = await runBodega(['restore', `s3://${BUCKET}/backups/bodega-1.ndjson.gz`], env);
    expect([none.code, none.stderr]).toEqual([1, expect.stringContaining('no está configurado')]);
    const [row] = await target.sql`select count(*)::int as n from products`;
    expect(row?.n).toBe(0);
  });

  it('the daily job writes to the bucket, and retention removes old backups there but keeps the newest', {
    timeout: 120_000,
  }, async () => {
    const source = await database();
    const dataDir = await freshDataDir();
    const env = { DATABASE_URL: source.url, DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...s3Env() };
    const before = (await bucket().list()).length;
    const job = await runBodega(['job', 'run', 'backup'], env);
    expect(job.code, job.stderr).toBe(0);
    const backups = bucket();
    expect((await backups.list()).length).toBe(before + 1);
    await backups.put('backups/notes.txt', Buffer.from('not a backup'), 'text/plain');

    const place = s3Blobs(
      { endpoint, bucket: BUCKET, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      'backups/',
    );
    // Fourteen days on, nothing is old yet; fifteen days on, every backup but the newest is.
    const soon = new Date(Date.now() + 13 * 86_400_000);
    expect(await pruneBackups(place, 14, soon)).toEqual([]);
    const later = new Date(Date.now() + 15 * 86_400_000);
    const listed = (await place.list()).filter((item) => item.key.startsWith('bodega-'));
    const newest = listed.sort((a, b) => b.modifiedAt.getTime() - a.modifiedAt.getTime())[0]?.key;
    const removed = await pruneBackups(place, 14, later);
    expect(removed.length).toBe(listed.length - 1);
    expect((await place.list()).map((item) => item.key).sort()).toEqual([newest, 'notes.txt'].sort());
  });
});
