import { createReadStream } from 'node:fs';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
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
  const { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client, getSignedUrl } = awsSdk();
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
