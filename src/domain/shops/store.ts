import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { products } from '../../../db/schema/inventory.ts';
import { sales } from '../../../db/schema/sales.ts';
import { etsyLinks, etsyPushes, etsyReceipts, shopConnections, syncRuns } from '../../../db/schema/shops.ts';
import { isAppError } from '../../errors.ts';

/** The counts a sync run records. */
export interface SyncCounts {
  read: number;
  created: number;
  changed: number;
  unchanged: number;
  failed: number;
}

export const noCounts = (): SyncCounts => ({ read: 0, created: 0, changed: 0, unchanged: 0, failed: 0 });

/** The shops area's bookkeeping rows: runs, links between Etsy variations and products, receipts, pushes. */
export function createShopStore(db: Db) {
  return {
    async startRun(connectionId: number, shop: string, trigger: 'job' | 'command', at: Date): Promise<number> {
      const [row] = await db
        .insert(syncRuns)
        .values({ connectionId, shop, trigger, startedAt: at })
        .returning({ id: syncRuns.id });
      return row?.id ?? 0;
    },
    /** Ends a run; a failure keeps its developer message and, for the chat, its catalogue key and parameters. */
    async finishRun(runId: number, counts: SyncCounts, callsUsed: number, at: Date, failure?: unknown) {
      const failed = failure !== undefined;
      await db
        .update(syncRuns)
        .set({
          ...counts,
          callsUsed,
          finishedAt: at,
          status: failed ? 'failed' : 'success',
          error: failed ? (failure instanceof Error ? failure.message : String(failure)) : null,
          errorReason: isAppError(failure) ? failure.reason : null,
          errorDetails: isAppError(failure) ? failure.details : null,
        })
        .where(eq(syncRuns.id, runId));
    },
    async synced(connectionId: number, at: Date, receiptsSince: Date | undefined) {
      await db
        .update(shopConnections)
        .set({ lastSyncAt: at, ...(receiptsSince ? { receiptsSince } : {}) })
        .where(eq(shopConnections.id, connectionId));
    },
    /** Links each (listing, variant) to its product; a product already linked elsewhere keeps its first link. */
    async link(tx: Db, connectionId: number, rows: Array<{ listingId: number; variant: string; productId: number }>) {
      if (rows.length === 0) return;
      await tx
        .insert(etsyLinks)
        .values(rows.map((row) => ({ connectionId, ...row })))
        .onConflictDoNothing();
    },
    /** The products linked to these listings, by `listing|variant`, with their SKUs. */
    async links(tx: Db, connectionId: number, listingIds: number[]) {
      if (listingIds.length === 0) return new Map<string, { productId: number; sku: string }>();
      const rows = await tx
        .select({
          listingId: etsyLinks.listingId,
          variant: etsyLinks.variant,
          productId: etsyLinks.productId,
          sku: products.sku,
        })
        .from(etsyLinks)
        .innerJoin(products, eq(products.id, etsyLinks.productId))
        .where(and(eq(etsyLinks.connectionId, connectionId), inArray(etsyLinks.listingId, listingIds)));
      return new Map(
        rows.map((row) => [`${row.listingId}|${row.variant}`, { productId: row.productId, sku: row.sku }]),
      );
    },
    /** Listings with a local change still waiting to go to Etsy: a sync leaves their quantities alone. */
    async pendingPushes(tx: Db, connectionId: number, listingIds: number[]): Promise<Set<number>> {
      if (listingIds.length === 0) return new Set();
      const rows = await tx
        .select({ listingId: etsyPushes.listingId })
        .from(etsyPushes)
        .where(and(eq(etsyPushes.connectionId, connectionId), inArray(etsyPushes.listingId, listingIds)));
      return new Set(rows.map((row) => row.listingId));
    },
    /** The sale each receipt became, with its status now. */
    async receipts(connectionId: number, receiptIds: number[]) {
      if (receiptIds.length === 0) return new Map<number, { saleId: number; status: string }>();
      const rows = await db
        .select({ receiptId: etsyReceipts.receiptId, saleId: etsyReceipts.saleId, status: sales.status })
        .from(etsyReceipts)
        .innerJoin(sales, eq(sales.id, etsyReceipts.saleId))
        .where(and(eq(etsyReceipts.connectionId, connectionId), inArray(etsyReceipts.receiptId, receiptIds)));
      return new Map(rows.map((row) => [row.receiptId, { saleId: row.saleId, status: row.status }]));
    },
    async rememberReceipt(connectionId: number, receiptId: number, saleId: number) {
      await db
        .insert(etsyReceipts)
        .values({ connectionId, receiptId, saleId })
        .onConflictDoUpdate({ target: etsyReceipts.receiptId, set: { updatedAt: sql`now()` } });
    },
  };
}

export type ShopStore = ReturnType<typeof createShopStore>;
