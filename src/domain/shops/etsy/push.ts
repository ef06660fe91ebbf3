import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../../../db/client.ts';
import { etsyLinks, etsyPushes } from '../../../../db/schema/shops.ts';
import type { Logger } from '../../../logger.ts';
import type { Inventory } from '../../inventory/index.ts';
import type { EtsySession } from './session.ts';
import { inventorySchema, inventoryUpdate, variantKey } from './shapes.ts';

/** Listings pushed per pass; the rest wait for the next one. */
const BATCH = 100;

export interface PushDeps {
  db: Db;
  log: Logger;
  inventory: Inventory;
  session: EtsySession;
  connectionId: number;
}

/**
 * Sends local stock changes to Etsy: each queued listing's inventory is read, its linked products get bodega's
 * available units, and only when some quantity differs is the whole products array (every product, property and
 * offering as Etsy had them) written back with updateListingInventory. A listing queued again while it was being
 * pushed stays queued. Answers how many listings were updated on Etsy.
 */
export async function pushQueued(deps: PushDeps, signal?: AbortSignal): Promise<{ updated: number; failed: number }> {
  const queued = await deps.db
    .select()
    .from(etsyPushes)
    .where(eq(etsyPushes.connectionId, deps.connectionId))
    .orderBy(asc(etsyPushes.queuedAt))
    .limit(BATCH);
  let updated = 0;
  let failed = 0;
  for (const row of queued) {
    if (signal?.aborted) break;
    try {
      if (await pushListing(deps, row.listingId)) updated += 1;
      await deps.db
        .delete(etsyPushes)
        .where(
          and(
            eq(etsyPushes.connectionId, deps.connectionId),
            eq(etsyPushes.listingId, row.listingId),
            eq(etsyPushes.queuedAt, row.queuedAt),
          ),
        );
    } catch (error) {
      failed += 1;
      deps.log.warn({ err: error, listingId: row.listingId }, 'etsy stock push failed; it stays queued');
      await deps.db
        .update(etsyPushes)
        .set({
          attempts: sql`${etsyPushes.attempts} + 1`,
          lastError: error instanceof Error ? error.message : String(error),
        })
        .where(and(eq(etsyPushes.connectionId, deps.connectionId), eq(etsyPushes.listingId, row.listingId)));
    }
  }
  return { updated, failed };
}

/** One listing: answers whether Etsy needed (and got) new quantities. */
async function pushListing(deps: PushDeps, listingId: number): Promise<boolean> {
  const links = await deps.db
    .select({ variant: etsyLinks.variant, productId: etsyLinks.productId })
    .from(etsyLinks)
    .where(and(eq(etsyLinks.connectionId, deps.connectionId), eq(etsyLinks.listingId, listingId)));
  if (links.length === 0) return false;
  const available = await deps.inventory.marketplace.availableOf(
    deps.db,
    links.map((link) => link.productId),
  );
  const wanted = new Map(links.map((link) => [link.variant, available.get(link.productId)]));
  const path = `/v3/application/listings/${listingId}/inventory`;
  const inventory = inventorySchema.parse(await deps.session.get(path));
  const differs = inventory.products.some((item) => {
    const want = wanted.get(variantKey(item.property_values));
    const offer = item.offerings.find((candidate) => !candidate.is_deleted);
    return !item.is_deleted && offer?.is_enabled && want !== undefined && Math.min(999, want) !== offer.quantity;
  });
  if (!differs) return false;
  const body = inventoryUpdate(inventory, (variant) => wanted.get(variant));
  await deps.session.send({ method: 'PUT', path, json: body });
  deps.log.info({ listingId }, 'etsy listing stock updated');
  return true;
}
