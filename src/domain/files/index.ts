import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Readable } from 'node:stream';
import { eq, lt, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { storedFiles } from '../../../db/schema/reports.ts';
import type { Blobs } from './blobs.ts';

export { type Blobs, directoryBlobs, type S3Settings, s3Blobs } from './blobs.ts';

export interface StoredFile {
  id: string;
  filename: string;
  mime: string;
  bytes: number;
  expiresAt: Date;
}

export interface FileStore {
  /** Keeps a file until `expiresAt`; answers its record. */
  put(file: { filename: string; mime: string; data: Buffer; expiresAt: Date }): Promise<StoredFile>;
  /** A signed link to one file, valid until the file expires (a presigned URL when the bytes are in a bucket). */
  link(file: StoredFile, baseUrl: string, now: Date): Promise<string>;
  /** The file a token names, if the token is genuine and unexpired and the file is still kept. */
  open(token: string, now: Date): Promise<{ file: StoredFile; body: Readable } | undefined>;
  /** Removes files past their expiry; answers how many. */
  prune(now: Date): Promise<number>;
}

const TOKEN = /^([A-Za-z0-9_-]{22})\.(\d{10,13})\.([A-Za-z0-9_-]{43})$/;

/**
 * Files in `$DATA_DIR/files/store`, handed out by signed links `GET /files/<id>.<expiry>.<hmac>`: the HMAC (SHA-256,
 * a key derived from ENCRYPTION_KEY) covers id and expiry, is compared in constant time, and the id only ever picks
 * a database row: no part of the request becomes a path.
 */
export function createFileStore({ db, blobs, key }: { db: Db; blobs: Blobs; key: Buffer }): FileStore {
  const signingKey = createHmac('sha256', key).update('bodega file links').digest();
  const sign = (id: string, expires: number) =>
    createHmac('sha256', signingKey).update(`${id}.${expires}`).digest('base64url');
  return {
    async put(file) {
      const id = randomBytes(16).toString('base64url');
      const storageKey = `${id}.bin`;
      await blobs.put(storageKey, file.data, file.mime);
      const values = { id, storageKey, filename: file.filename, mime: file.mime, bytes: file.data.length };
      await db.insert(storedFiles).values({ ...values, expiresAt: file.expiresAt });
      return { id, filename: file.filename, mime: file.mime, bytes: file.data.length, expiresAt: file.expiresAt };
    },
    async link(file, baseUrl, now) {
      const [row] = await db.select().from(storedFiles).where(eq(storedFiles.id, file.id));
      if (blobs.presign && row) return blobs.presign(row.storageKey, file.filename, file.expiresAt, now);
      const expires = Math.floor(file.expiresAt.getTime() / 1000);
      return `${baseUrl}/files/${file.id}.${expires}.${sign(file.id, expires)}`;
    },
    async open(token, now) {
      const match = TOKEN.exec(token);
      if (!match) return undefined;
      const [, id = '', expiry = '', mac = ''] = match;
      const expected = Buffer.from(sign(id, Number(expiry)));
      const given = Buffer.from(mac);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      if (Number(expiry) * 1000 <= now.getTime()) return undefined;
      const [row] = await db.select().from(storedFiles).where(eq(storedFiles.id, id));
      if (!row || row.expiresAt <= now) return undefined;
      const body = await blobs.get(row.storageKey);
      if (!body) return undefined;
      const file = { id, filename: row.filename, mime: row.mime, bytes: row.bytes, expiresAt: row.expiresAt };
      return { file, body };
    },
    async prune(now) {
      const gone = await db
        .delete(storedFiles)
        .where(lt(storedFiles.expiresAt, sql`${now.toISOString()}::timestamptz`))
        .returning({ storageKey: storedFiles.storageKey });
      for (const row of gone) await blobs.remove(row.storageKey);
      return gone.length;
    },
  };
}

/** Shares files by link for a while (7 days by default): what an over-limit report becomes in chat. */
export function fileLinks(options: {
  store: () => Promise<FileStore | undefined>;
  publicUrl: string;
  now: () => Date;
  ttlMs?: number;
}) {
  return {
    async share(file: { filename: string; mime: string; data: Buffer }) {
      const store = await options.store();
      if (!store) throw new Error('file links need ENCRYPTION_KEY');
      const expiresAt = new Date(options.now().getTime() + (options.ttlMs ?? 7 * 24 * 3_600_000));
      const stored = await store.put({ ...file, expiresAt });
      return { url: await store.link(stored, options.publicUrl, options.now()), expiresAt };
    },
  };
}
