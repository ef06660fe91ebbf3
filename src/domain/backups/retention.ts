import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Removes `bodega-*.gz` backups in `dir` older than `keepDays`; answers the names removed. */
export async function pruneBackups(dir: string, keepDays: number, now: Date): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const cutoff = now.getTime() - keepDays * 86_400_000;
  const removed: string[] = [];
  for (const name of names.filter((n) => /^bodega-.*\.gz$/.test(n))) {
    const info = await stat(join(dir, name));
    if (info.mtimeMs >= cutoff) continue;
    await rm(join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}
