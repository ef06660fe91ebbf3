import type { Watches } from '../src/domain/sourcing/index.ts';
import { defineJob } from './scheduler.ts';

/** Every 6 hours: each watched product is looked up once and its watches alert on a drop below target, a big change or two unavailable checks. */
export const watchPricesJob = defineJob<{ watches: Watches }>({
  name: 'watch-prices',
  schedule: '23 */6 * * *',
  async run({ deps, log, signal }) {
    const { products, failed, alerts } = await deps.watches.checkAll(signal);
    log.info({ products, failed, alerts }, 'watched products checked');
    if (products > 0 && failed === products) throw new Error(`all ${failed} watched products failed to load`);
  },
});
