import type { Blobs } from '../files/index.ts';

/** The names bodega gives its backups; nothing else in the place is ever removed. */
export const BACKUP_NAME = /^bodega-[0-9TZ-]+\.ndjson\.gz$/;

/**
 * Removes the backups stored more than `keepDays` ago, in a directory or a bucket alike; answers the names removed.
 * The newest backup is always kept, however old, so a stopped job never leaves the place empty.
 */
export async function pruneBackups(place: Blobs, keepDays: number, now: Date): Promise<string[]> {
  const cutoff = now.getTime() - keepDays * 86_400_000;
  const backups = (await place.list())
    .filter((item) => BACKUP_NAME.test(item.key))
    .sort((a, b) => b.modifiedAt.getTime() - a.modifiedAt.getTime());
  const removed: string[] = [];
  for (const item of backups.slice(1)) {
    if (item.modifiedAt.getTime() >= cutoff) continue;
    await place.remove(item.key);
    removed.push(item.key);
  }
  return removed;
}
