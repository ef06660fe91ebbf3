import { mkdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Database } from '../../db/client.ts';
import type { Config } from '../config.ts';
import { type BackupSummary, pruneBackups, writeBackup } from '../domain/backups/index.ts';

const backupsDir = (config: Config) => join(config.dataDir, 'backups');
const stamp = (now: Date) => now.toISOString().replace(/[:.]/g, '-');

/** Where a backup goes: the given file, a file inside the given directory, or `$DATA_DIR/backups`. */
export async function backupFile(config: Config, given: string | undefined, now: Date): Promise<string> {
  const name = `bodega-${stamp(now)}.ndjson.gz`;
  if (!given) {
    await mkdir(backupsDir(config), { recursive: true });
    return join(backupsDir(config), name);
  }
  const found = await stat(given).catch(() => undefined);
  return found?.isDirectory() ? join(given, name) : resolve(given);
}

/** Takes one backup into `$DATA_DIR/backups` and removes those older than BACKUP_KEEP_DAYS (the daily job). */
export async function dailyBackup(config: Config, database: Database, now: Date): Promise<BackupSummary> {
  const file = await backupFile(config, undefined, now);
  const summary = await writeBackup(database.sql, file, now);
  await pruneBackups(backupsDir(config), config.backupKeepDays, now);
  return summary;
}
