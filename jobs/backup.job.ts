import { defineJob } from './scheduler.ts';

export interface BackupDeps {
  /** One backup (to the bucket when S3_* is set, else $DATA_DIR/backups), then retention (BACKUP_KEEP_DAYS) in both. */
  backup(now: Date): Promise<{ tables: Record<string, number>; bytes: number; location: string; removed: string[] }>;
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
    const { bytes, location, removed } = summary;
    log.info({ bytes, location, removed, tables: Object.keys(summary.tables).length, pruned }, 'backup written');
  },
});
