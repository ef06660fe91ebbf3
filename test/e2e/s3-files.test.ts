import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error s3rver ships no types
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileStore, s3Blobs } from '../../src/domain/files/index.ts';
import { filesRoutes } from '../../src/http/routes/files.ts';
import { useTestDatabase } from '../helpers/database.ts';

const database = useTestDatabase();
let server: { close(): Promise<void> };
let endpoint = '';
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 's3rver-'));
  const s3 = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: dir,
    configureBuckets: [{ name: 'bodega-files' }],
  });
  const address = (await s3.run()) as AddressInfo;
  endpoint = `http://127.0.0.1:${address.port}`;
  server = s3;
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('report files in S3-compatible storage (s3rver)', () => {
  it('stores the exact bytes, links by presigned URL, serves them through /files too, and prunes when expired', async () => {
    const blobs = s3Blobs(
      { endpoint, bucket: 'bodega-files', region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      'files/',
    );
    const store = createFileStore({ db: database().db, blobs, key: randomBytes(32) });
    const data = randomBytes(300_000);
    const now = new Date();
    const expiresAt = new Date(now.getTime() + 3_600_000);
    const file = await store.put({
      filename: 'reporte-2026-11.xlsx',
      mime: 'application/octet-stream',
      data,
      expiresAt,
    });

    const url = await store.link(file, 'http://unused', now);
    expect(url.startsWith(`${endpoint}/bodega-files/files/`)).toBe(true);
    expect(url).toContain('X-Amz-Signature=');
    const download = await fetch(url);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(data)).toBe(true);

    const signed = `${file.id}.${Math.floor(expiresAt.getTime() / 1000)}`;
    const app = filesRoutes({ store: async () => store, now: () => now });
    expect((await app.request(`/${signed}.bad${'x'.repeat(40)}`)).status).toBe(404);

    expect(await store.prune(new Date(expiresAt.getTime() + 1000))).toBe(1);
    expect((await fetch(url)).status).toBe(404);
  });
});
