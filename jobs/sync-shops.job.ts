import type { Shops } from '../src/domain/shops/index.ts';
import { defineJob } from './scheduler.ts';

/** Every 15 minutes: each connected shop's listings, stock and orders; one shop's failure is logged, the others run. */
export const syncShopsJob = defineJob<{ shops: Shops }>({
  name: 'sync-shops',
  schedule: '*/15 * * * *',
  async run({ deps, log, signal }) {
    if (!deps.shops.configured) return;
    const results = await deps.shops.sync({ trigger: 'job', signal });
    for (const result of results) log.info({ ...result }, 'shop synced');
    const failed = results.filter((result) => result.error);
    if (failed.length > 0 && failed.length === results.length)
      throw new Error(`every shop failed to sync: ${failed.map((result) => result.error).join('; ')}`);
  },
});

/** Every minute: local stock changes of products linked to Etsy listings go to Etsy, a batch at a time. */
export const pushShopsJob = defineJob<{ shops: Shops }>({
  name: 'push-shops',
  schedule: '* * * * *',
  async run({ deps, log, signal }) {
    if (!deps.shops.configured) return;
    const updated = await deps.shops.push(signal);
    if (updated > 0) log.info({ updated }, 'etsy listings updated from local stock');
  },
});
