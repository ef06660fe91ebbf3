import type { Db } from '../../../db/client.ts';
import type { LedgerReason, ReservationStatus } from '../../../db/schema/inventory.ts';
import type { SaleSource, SaleStatus } from '../../../db/schema/sales.ts';

export interface Levels {
  total: number;
  reserved: number;
  sold: number;
  available: number;
}

/** One product with its levels as a buyer would see them (overdue holds already count as released). */
export interface ProductStock extends Levels {
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
  /** The number chat shows (#12). Never sent through the storefront API. */
  id: number;
  /** The unguessable id the storefront API shows. */
  publicId: string;
  sku: string;
  qty: number;
  status: ReservationStatus;
  expiresAt: Date;
  reference: string | null;
}

/** A live reservation as `/reservas` lists it: who made it too (`user:<id>`, `api:<key name>`). */
export interface ActiveReservation extends Reservation {
  actor: string;
}

/** Names a reservation: by its chat number, or by its public id as seen by the API key that made it. */
export type ReservationRef = { id: number } | { publicId: string; apiKeyId: number };

/** What a change did: `changed` is false when it had already happened (a repeat answers the same). */
export interface Outcome<T> {
  value: T;
  changed: boolean;
}

export interface SaleLine {
  sku: string;
  title: string;
  qty: number;
  unitPriceMinor: number;
}

export interface Sale {
  id: number;
  source: SaleSource;
  externalRef: string | null;
  reservationId: number | null;
  currency: string;
  status: SaleStatus;
  createdAt: Date;
  lines: SaleLine[];
}

export interface LedgerEntry {
  id: number;
  at: Date;
  reason: LedgerReason;
  deltaTotal: number;
  deltaReserved: number;
  deltaSold: number;
  totalAfter: number;
  reservedAfter: number;
  soldAfter: number;
  actor: string;
  reference: string | null;
  note: string | null;
}

/** One page of a list, with how many there are in all. */
export interface Page<T> {
  items: T[];
  total: number;
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
