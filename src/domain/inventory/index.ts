import type { Db } from '../../../db/client.ts';
import type { Clock } from '../../clock.ts';
import { createProducts } from './products.ts';
import { createReservations } from './reservations.ts';
import { createStock } from './stock.ts';
import type { LowStockNotifier } from './types.ts';
import { verifyStock } from './verify.ts';
import { createStockViews } from './views.ts';

export { DEFAULT_TTL_SECONDS } from './reservations.ts';
export { normaliseSku } from './stock.ts';
export type { ChangeOrigin, Levels, LowStockAlert, LowStockNotifier, Reservation, StockView } from './types.ts';
export type { Discrepancy } from './verify.ts';

/** Stock, products and reservations over one database; `notify` queues low-stock alerts in the same transaction. */
export function createInventory(deps: { db: Db; clock: Clock; notify?: LowStockNotifier }) {
  return {
    stock: createStock(deps),
    products: createProducts(deps),
    reservations: createReservations(deps),
    views: createStockViews(deps),
    verify: () => verifyStock(deps.db),
  };
}

export type Inventory = ReturnType<typeof createInventory>;
