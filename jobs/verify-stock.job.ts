import type { Inventory } from '../src/domain/inventory/index.ts';
import { defineJob } from './scheduler.ts';

/** Nightly: levels must equal the sum of the ledger and the live reservations; a difference fails the run loudly. */
export const verifyStockJob = defineJob<{ inventory: Inventory }>({
  name: 'verify-stock',
  schedule: '41 2 * * *',
  async run({ deps, log }) {
    const problems = await deps.inventory.verify();
    if (problems.length > 0) {
      log.error({ problems }, 'stock does not match its ledger');
      throw new Error(
        `${problems.length} products do not match their ledger: ${problems.map((p) => p.sku).join(', ')}`,
      );
    }
  },
});
