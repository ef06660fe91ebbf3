import type { Db } from '../../../db/client.ts';
import type { ReservationStatus } from '../../../db/schema/inventory.ts';

export interface Levels {
  total: number;
  reserved: number;
  sold: number;
  available: number;
}

export interface StockView extends Levels {
  productId: number;
  sku: string;
  title: string;
  priceMinor: number;
  currency: string;
  lowStockThreshold: number;
  /** The newest ledger row for this product; `/stock set` compares it with what the user saw. */
  lastLedgerId: number;
}

export interface Reservation {
  id: number;
  sku: string;
  qty: number;
  status: ReservationStatus;
  expiresAt: Date;
  reference: string | null;
}

export interface LowStockAlert {
  productId: number;
  sku: string;
  title: string;
  available: number;
  threshold: number;
}

/** Called inside the transaction that crossed the threshold, so the alert is queued exactly when the change commits. */
export type LowStockNotifier = (tx: Db, alert: LowStockAlert) => Promise<void>;

/** Who did it and which request: the ledger's actor, reference, note and idempotency key. */
export interface ChangeOrigin {
  actor: string;
  key: string;
  reference?: string | undefined;
  note?: string | undefined;
}
