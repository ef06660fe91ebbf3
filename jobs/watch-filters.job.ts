import type { SavedFilters } from '../src/domain/sourcing/index.ts';
import type { Logger } from '../src/logger.ts';
import { defineJob } from './scheduler.ts';

/** Hourly: each saved filter past its cooldown re-runs and posts only products its chat has not seen, within its daily cap. */
export const watchFiltersJob = defineJob<{ filters: SavedFilters }>({
  name: 'watch-filters',
  schedule: '7 * * * *',
  async run({ deps, log, signal }) {
    const due = await deps.filters.due();
    let failed = 0;
    for (const filter of due) {
      if (signal.aborted) break;
      failed += await runOne(deps.filters, filter, log);
    }
    if (due.length > 0 && failed === due.length) throw new Error(`all ${failed} saved filters failed`);
  },
});

/** One filter's failure (a block, a timeout) is logged and does not stop the others. */
async function runOne(
  filters: SavedFilters,
  filter: Awaited<ReturnType<SavedFilters['due']>>[number],
  log: Logger,
): Promise<number> {
  try {
    const { reported, heldBack } = await filters.run(filter);
    log.info({ filter: filter.id, reported, heldBack }, 'saved filter checked');
    return 0;
  } catch (error) {
    log.warn({ err: error, filter: filter.id }, 'saved filter failed');
    return 1;
  }
}
