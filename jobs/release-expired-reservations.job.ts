import type { Inventory } from '../src/domain/inventory/index.ts';
import { defineJob } from './scheduler.ts';

/** Every 5 minutes: overdue reservations expire and their units return to available. */
export const releaseExpiredReservationsJob = defineJob<{ inventory: Inventory }>({
  name: 'release-expired-reservations',
  schedule: '*/5 * * * *',
  async run({ deps, log }) {
    const expired = await deps.inventory.reservations.expireOverdue();
    if (expired > 0) log.info({ expired }, 'reservations expired');
  },
});
