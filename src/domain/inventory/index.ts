import type { Db } from '../../../db/client.ts';
import type { Clock } from '../../clock.ts';
import { createHistory } from './history.ts';
import type { BatchReport } from './hold-batch.ts';
import { createMarketplace } from './marketplace.ts';
import { createProducts } from './products.ts';
import { createReservations } from './reservations.ts';
import { createSales } from './sales.ts';
import { createStock } from './stock.ts';
import type { LowStockNotifier } from './types.ts';
import { verifyStock } from './verify.ts';
import { createStockViews } from './views.ts';

export type { BatchReport } from './hold-batch.ts';
export type { ListedProduct, Marketplace, UpsertedProduct } from './marketplace.ts';
export { DEFAULT_TTL_SECONDS, type ReserveRequest } from './reservations.ts';
export { MAX_QTY, skuSchema } from './rules.ts';
export type { RecordSaleRequest } from './sales.ts';
export type { CountResult } from './stock.ts';
export type {
  ChangeOrigin,
  LedgerEntry,
  Levels,
  LowStockAlert,
  LowStockNotifier,
  Outcome,
  Page,
  ProductStock,
  Reservation,
  ReservationRef,
  Sale,
  SaleLine,
} from './types.ts';
export type { Discrepancy } from './verify.ts';

/** Stock, products, reservations and sales over one database; `notify` queues low-stock alerts in the same transaction. */
export function createInventory(deps: {
  db: Db;
  /** The pool the reservation batch statements run on (`Database.batchDb`). */
  batchDb: Db;
  clock: Clock;
  notify?: LowStockNotifier;
  /** Called as each reservation batch statement settles: its size, which statement, whether it answered (tests). */
  onHoldBatch?: (report: BatchReport) => void;
}) {
  return {
    stock: createStock(deps),
    products: createProducts(deps),
    reservations: createReservations(deps),
    /** The sales service marketplaces (Etsy) call: `recordSale`, `shipSale`, `cancelSale`. */
    sales: createSales(deps),
    history: createHistory(deps),
    /** What marketplace syncs (Etsy) use: products by SKU, levels moved through the ledger with reason `sync`. */
    marketplace: createMarketplace(deps),
    views: createStockViews(deps),
    verify: () => verifyStock(deps.db),
  };
}

export type Inventory = ReturnType<typeof createInventory>;
