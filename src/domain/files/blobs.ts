import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Readable } from 'node:stream';

const require = createRequire(import.meta.url);
/** The AWS SDK (~35 MiB) is loaded only where object storage is configured. */
const awsSdk = () => ({
  ...(require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3')),
  ...(require('@aws-sdk/s3-request-presigner') as typeof import('@aws-sdk/s3-request-presigner')),
});

/** Where stored bytes live: a directory, or an S3-compatible bucket. Keys are always made by bodega. */
export interface Blobs {
  put(key: string, data: Buffer, mime: string): Promise<void>;
  /** Stores a file from disk, streamed (a backup can be larger than memory should hold). */
  putFile(key: string, path: string, mime: string): Promise<void>;
  /** Every stored key with when it was stored (a directory's mtime, a bucket's LastModified). */
  list(): Promise<Array<{ key: string; modifiedAt: Date }>>;
  get(key: string): Promise<Readable | undefined>;
  remove(key: string): Promise<void>;
  /** A presigned download URL, where the storage gives them (S3); links then go straight to the bucket. */
  presign?(key: string, filename: string, expiresAt: Date, now: Date): Promise<string>;
}

/** Files in a local directory. */
export function directoryBlobs(dir: string): Blobs {
  return {
    async put(key, data) {
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, key), data);
    },
    async putFile(key, path) {
      await mkdir(dir, { recursive: true });
      await copyFile(path, join(dir, key));
    },
    async list() {
      const names = await readdir(dir).catch(() => [] as string[]);
      const found = await Promise.all(names.map(async (key) => ({ key, info: await stat(join(dir, key)) })));
      return found.filter(({ info }) => info.isFile()).map(({ key, info }) => ({ key, modifiedAt: info.mtime }));
    },
    async get(key) {
      const found = await stat(join(dir, key)).catch(() => undefined);
      return found ? createReadStream(join(dir, key)) : undefined;
    },
    remove: (key) => rm(join(dir, key), { force: true }),
  };
}

export interface S3Settings {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * An S3-compatible bucket (AWS S3, DigitalOcean Spaces, R2, MinIO). Checksums only when required: with the SDK's
 * default, streamed uploads are aws-chunked, which some compatible servers store with the chunk markers inside.
 */
export function s3Blobs(settings: S3Settings, prefix: string): Blobs {
  const { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, getSignedUrl } =
    awsSdk();
  const client = new S3Client({
    endpoint: settings.endpoint,
    region: settings.region,
    forcePathStyle: true,
    credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const Bucket = settings.bucket;
  const Key = (key: string) => `${prefix}${key}`;
  return {
    async put(key, data, mime) {
      await client.send(new PutObjectCommand({ Bucket, Key: Key(key), Body: data, ContentType: mime }));
    },
    async putFile(key, path, mime) {
      // One PUT with its length (up to 5 GB, far beyond a shop's compressed backup): the body streams from disk.
      const { size } = await stat(path);
      const Body = createReadStream(path);
      await client.send(new PutObjectCommand({ Bucket, Key: Key(key), Body, ContentLength: size, ContentType: mime }));
    },
    async list() {
      const found: Array<{ key: string; modifiedAt: Date }> = [];
      let ContinuationToken: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket, Prefix: prefix, ContinuationToken }));
        for (const item of page.Contents ?? [])
          if (item.Key && item.LastModified)
            found.push({ key: item.Key.slice(prefix.length), modifiedAt: item.LastModified });
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
      return found;
    },
    async get(key) {
      const found = await client.send(new GetObjectCommand({ Bucket, Key: Key(key) })).catch(() => undefined);
      return found?.Body instanceof Readable ? found.Body : undefined;
    },
    async remove(key) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: Key(key) }));
    },
    presign(key, filename, expiresAt, now) {
      const seconds = Math.max(1, Math.min(604_800, Math.floor((expiresAt.getTime() - now.getTime()) / 1000)));
      const disposition = `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`;
      const command = new GetObjectCommand({ Bucket, Key: Key(key), ResponseContentDisposition: disposition });
      return getSignedUrl(client, command, { expiresIn: seconds });
    },
  };
}
