import { defineJob } from './scheduler.ts';

export interface BackupDeps {
  /** One backup into $DATA_DIR/backups, then retention (BACKUP_KEEP_DAYS); wired by core.ts. */
  backup(now: Date): Promise<{ tables: Record<string, number>; bytes: number }>;
  /** Removes shared report files past their expiry. */
  pruneFiles(now: Date): Promise<number>;
}

/** Daily at 03:17 in the shop's zone: a consistent backup of every table, old ones removed, expired links' files too. */
export const backupJob = defineJob<BackupDeps>({
  name: 'backup',
  schedule: '17 3 * * *',
  async run({ deps, log, scheduledFor }) {
    const summary = await deps.backup(scheduledFor);
    const pruned = await deps.pruneFiles(scheduledFor);
    log.info({ bytes: summary.bytes, tables: Object.keys(summary.tables).length, pruned }, 'backup written');
  },
});
