import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type { Database } from '../../db/client.ts';
import type { Config } from '../config.ts';
import { BACKUP_NAME, type BackupSummary, pruneBackups, writeBackup } from '../domain/backups/index.ts';
import { type Blobs, directoryBlobs, s3Blobs } from '../domain/files/index.ts';
import { AppError } from '../errors.ts';

const backupsDir = (config: Config) => join(config.dataDir, 'backups');
const stamp = (now: Date) => now.toISOString().replace(/[:.]/g, '-');
const BUCKET_PREFIX = 'backups/';
const MIME = 'application/gzip';

type S3 = NonNullable<Config['s3']>;
const bucketBackups = (s3: S3): Blobs => s3Blobs(s3, BUCKET_PREFIX);
const bucketLocation = (s3: S3, name: string) => `s3://${s3.bucket}/${BUCKET_PREFIX}${name}`;

export interface TakenBackup extends BackupSummary {
  /** The file written, or `s3://<bucket>/backups/<name>`: what `bodega restore` takes back. */
  location: string;
}

/** Where a local backup goes: the given file, a file inside the given directory, or `$DATA_DIR/backups`. */
export async function backupFile(config: Config, given: string | undefined, now: Date): Promise<string> {
  const name = `bodega-${stamp(now)}.ndjson.gz`;
  if (!given) {
    await mkdir(backupsDir(config), { recursive: true });
    return join(backupsDir(config), name);
  }
  const found = await stat(given).catch(() => undefined);
  return found?.isDirectory() ? join(given, name) : resolve(given);
}

/**
 * One backup: to the path given; else to the object storage when S3_* is set (written to a temporary file first, so
 * the snapshot's transaction never waits on the network, then uploaded); else to `$DATA_DIR/backups`.
 */
export async function takeBackup(
  config: Config,
  database: Database,
  given: string | undefined,
  now: Date,
): Promise<TakenBackup> {
  if (given || !config.s3) {
    const file = await backupFile(config, given, now);
    return { ...(await writeBackup(database.sql, file, now)), location: file };
  }
  const name = `bodega-${stamp(now)}.ndjson.gz`;
  const dir = await mkdtemp(join(tmpdir(), 'bodega-backup-'));
  try {
    const summary = await writeBackup(database.sql, join(dir, name), now);
    await bucketBackups(config.s3).putFile(name, join(dir, name), MIME);
    return { ...summary, location: bucketLocation(config.s3, name) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The daily job: one backup, then BACKUP_KEEP_DAYS applied in `$DATA_DIR/backups` and, when set, in the bucket. */
export async function dailyBackup(config: Config, database: Database, now: Date) {
  const taken = await takeBackup(config, database, undefined, now);
  const places = [directoryBlobs(backupsDir(config)), ...(config.s3 ? [bucketBackups(config.s3)] : [])];
  const removed: string[] = [];
  for (const place of places) removed.push(...(await pruneBackups(place, config.backupKeepDays, now)));
  return { ...taken, removed };
}

const S3_LOCATION = /^s3:\/\/([^/]+)\/(.+)$/;

/** What `bodega restore <where>` reads: a file, or `s3://<S3_BUCKET>/backups/<name>` as `bodega backup` printed it. */
export async function openBackup(config: Config, where: string): Promise<string | Readable> {
  const match = S3_LOCATION.exec(where);
  if (!match) {
    const file = resolve(where);
    if (!(await stat(file).catch(() => undefined))?.isFile()) throw notFound(where);
    return file;
  }
  const [, bucket = '', key = ''] = match;
  if (!config.s3) throw new AppError('invalid_input', 'S3 is not configured', {}, 'reports.backup_no_storage');
  if (bucket !== config.s3.bucket)
    throw new AppError('invalid_input', 'another bucket', { bucket: config.s3.bucket }, 'reports.backup_other_bucket');
  const name = key.startsWith(BUCKET_PREFIX) ? key.slice(BUCKET_PREFIX.length) : '';
  // Only names bodega gives its backups: the key never reaches outside the backups/ prefix.
  const body = BACKUP_NAME.test(name) ? await bucketBackups(config.s3).get(name) : undefined;
  if (!body) throw notFound(where);
  return body;
}

const notFound = (where: string) =>
  new AppError('not_found', `no backup at ${where}`, { where }, 'reports.backup_not_found');
