import type { Config } from '../config.ts';
import { type BackupSummary, restoreBackup } from '../domain/backups/index.ts';
import type { Translate } from '../i18n/index.ts';
import type { Logger } from '../logger.ts';
import { openBackup, takeBackup } from './backups.ts';
import { onDatabase } from './database-verb.ts';

const rowsOf = (summary: BackupSummary) => Object.values(summary.tables).reduce((sum, n) => sum + n, 0);

/** `bodega backup [path]`: to the path, else to the bucket when S3_* is set, else to `$DATA_DIR/backups`. */
export async function backupVerb(args: string[], config: Config, log: Logger, t: Translate): Promise<number> {
  return onDatabase('backup', { config, log, t }, async (database) => {
    const summary = await takeBackup(config, database, args[0], new Date());
    const file = summary.location;
    const size = `${(summary.bytes / 1024).toFixed(1)} KB`;
    const tables = Object.keys(summary.tables).length;
    process.stdout.write(`${t('reports.backup_done', { file, tables, rows: rowsOf(summary), size })}\n`);
    return 0;
  });
}

/** `bodega restore <file | s3://bucket/backups/name>`: into an empty database (migrated first, to the backup's migration). */
export async function restoreVerb(args: string[], config: Config, log: Logger, t: Translate): Promise<number> {
  const [source] = args;
  if (!source) {
    process.stderr.write(`${t('reports.restore_usage')}\n`);
    return 1;
  }
  return onDatabase('restore', { config, log, t }, async (database) => {
    const summary = await restoreBackup(database.sql, await openBackup(config, source));
    const tables = Object.keys(summary.tables).length;
    process.stdout.write(`${t('reports.restore_done', { tables, rows: rowsOf(summary) })}\n`);
    return 0;
  });
}
