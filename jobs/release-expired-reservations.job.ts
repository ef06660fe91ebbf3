import type { Inventory } from '../src/domain/inventory/index.ts';
import { defineJob } from './scheduler.ts';

/** Every 5 minutes: overdue reservations expire and their units return to available; missed low-stock alerts go out. */
export const releaseExpiredReservationsJob = defineJob<{ inventory: Inventory }>({
  name: 'release-expired-reservations',
  schedule: '*/5 * * * *',
  async run({ deps, log }) {
    const expired = await deps.inventory.reservations.expireOverdue();
    const alerts = await deps.inventory.reservations.sweepLowStock();
    if (expired > 0 || alerts > 0) log.info({ expired, alerts }, 'reservations expired');
  },
});
