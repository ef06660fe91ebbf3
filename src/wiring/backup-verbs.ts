import { resolve } from 'node:path';
import { errorText } from '../chat/error-text.ts';
import type { Config } from '../config.ts';
import { openDatabase } from '../core.ts';
import { type BackupSummary, restoreBackup, writeBackup } from '../domain/backups/index.ts';
import { isAppError } from '../errors.ts';
import type { Translate } from '../i18n/index.ts';
import type { Logger } from '../logger.ts';
import { backupFile } from './backups.ts';

const rowsOf = (summary: BackupSummary) => Object.values(summary.tables).reduce((sum, n) => sum + n, 0);

/** `bodega backup [path]`. */
export async function backupVerb(args: string[], config: Config, log: Logger, t: Translate): Promise<number> {
  const database = await openDatabase(config, log, 'backup');
  try {
    const now = new Date();
    const file = await backupFile(config, args[0], now);
    const summary = await writeBackup(database.sql, file, now);
    const size = `${(summary.bytes / 1024).toFixed(1)} KB`;
    const tables = Object.keys(summary.tables).length;
    process.stdout.write(`${t('reports.backup_done', { file, tables, rows: rowsOf(summary), size })}\n`);
    return 0;
  } finally {
    await database.close();
  }
}

/** `bodega restore <file>`: into an empty database (migrated first, to the backup's migration). */
export async function restoreVerb(args: string[], config: Config, log: Logger, t: Translate): Promise<number> {
  if (!args[0]) {
    process.stderr.write(`${t('reports.restore_usage')}\n`);
    return 1;
  }
  const database = await openDatabase(config, log, 'restore');
  try {
    const summary = await restoreBackup(database.sql, resolve(args[0]));
    const tables = Object.keys(summary.tables).length;
    process.stdout.write(`${t('reports.restore_done', { tables, rows: rowsOf(summary) })}\n`);
    return 0;
  } catch (error) {
    if (!isAppError(error)) throw error;
    process.stderr.write(`${errorText(error, t)}\n`);
    return 1;
  } finally {
    await database.close();
  }
}
