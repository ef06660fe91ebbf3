import { and, asc, eq, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { isUniqueViolation } from '../../../db/errors.ts';
import { supplierProducts } from '../../../db/schema/sourcing.ts';
import { supplierWatches } from '../../../db/schema/watches.ts';
import type { Clock } from '../../clock.ts';
import { AppError, isAppError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import type { Money } from '../../money.ts';
import type { Settings } from '../settings/index.ts';
import type { ProductState } from './aliexpress/product-data.ts';
import { productIdFrom } from './aliexpress/product-id.ts';
import type { SupplierSource } from './aliexpress/source.ts';
import { markUnavailable, rememberItems } from './store.ts';

export interface Watch {
  id: number;
  platform: string;
  chatId: string;
  locale: 'es' | 'en';
  supplierProductId: number;
  externalId: string;
  title: string;
  url: string;
  available: boolean;
  /** The product's last known price. */
  price: Money;
  currency: string;
  belowMinor: number | null;
  changePercent: number | null;
  lastCheckedAt: Date | null;
  lastError: string | null;
}

/** What a check found worth telling the chat. */
export type WatchAlert =
  | { kind: 'below'; price: Money; target: Money }
  | { kind: 'change'; from: Money; to: Money; percent: number }
  | { kind: 'unavailable' }
  | { kind: 'back'; price: Money };

/** Queues the message about a watch's alerts, inside the transaction that records them. */
export type WatchNotifier = (tx: Db, watch: Watch, alerts: WatchAlert[], key: string) => Promise<void>;

interface Deps {
  db: Db;
  clock: Clock;
  source: SupplierSource;
  /** The shop's region: where prices and availability are asked for. */
  settings: Pick<Settings, 'current'>;
  notify: WatchNotifier;
  log: Pick<Logger, 'info' | 'warn'>;
}

/** Changes of at least this many percent are reported when a watch names neither a target nor a threshold. */
export const DEFAULT_CHANGE_PERCENT = 10;
/** Unavailable on this many checks in a row before the chat hears of it (one miss may be a hiccup). */
const MISSES_TO_ALERT = 2;

const inChat = (target: { platform: string; chatId: string }) =>
  and(eq(supplierWatches.platform, target.platform), eq(supplierWatches.chatId, target.chatId));

const watchColumns = {
  watch: supplierWatches,
  externalId: supplierProducts.externalId,
  title: supplierProducts.title,
  url: supplierProducts.url,
  available: supplierProducts.available,
  priceMinor: supplierProducts.priceMinor,
  productCurrency: supplierProducts.currency,
};

type WatchRow = {
  watch: typeof supplierWatches.$inferSelect;
  externalId: string;
  title: string;
  url: string;
  available: boolean;
  priceMinor: number;
  productCurrency: string;
};

const toWatch = ({ watch, ...product }: WatchRow): Watch => ({
  id: watch.id,
  platform: watch.platform,
  chatId: watch.chatId,
  locale: watch.locale,
  supplierProductId: watch.supplierProductId,
  externalId: product.externalId,
  title: product.title,
  url: product.url,
  available: product.available,
  price: { minor: product.priceMinor, currency: product.productCurrency },
  currency: watch.currency,
  belowMinor: watch.belowMinor,
  changePercent: watch.changePercent,
  lastCheckedAt: watch.lastCheckedAt,
  lastError: watch.lastError,
});

/** What one check changes in a watch's state, and the alerts it raises. */
function assess(row: WatchRow, state: ProductState) {
  const watch = toWatch(row);
  const alerts: WatchAlert[] = [];
  let reference = row.watch.referenceMinor;
  let belowAlerted = row.watch.belowAlerted;
  let misses = row.watch.missingChecks;
  let error: string | null = null;
  if (state.available && state.item.price.currency !== watch.currency) {
    error = `price in ${state.item.price.currency}, watch in ${watch.currency}`;
  } else if (state.available) {
    const price = state.item.price;
    if (misses >= MISSES_TO_ALERT) alerts.push({ kind: 'back', price });
    misses = 0;
    if (watch.belowMinor !== null) {
      if (price.minor < watch.belowMinor && !belowAlerted)
        alerts.push({ kind: 'below', price, target: { minor: watch.belowMinor, currency: watch.currency } });
      belowAlerted = price.minor < watch.belowMinor;
    }
    if (watch.changePercent !== null && Math.abs(price.minor - reference) * 100 >= watch.changePercent * reference) {
      alerts.push({
        kind: 'change',
        from: { minor: reference, currency: watch.currency },
        to: price,
        percent: Math.round(((price.minor - reference) * 1000) / reference) / 10,
      });
      reference = price.minor;
    }
  } else if (++misses === MISSES_TO_ALERT) {
    alerts.push({ kind: 'unavailable' });
  }
  return {
    watch,
    alerts,
    change: { referenceMinor: reference, belowAlerted, missingChecks: misses, lastError: error },
  };
}

/**
 * Watches on supplier products: re-checked by the watch-prices job, they alert once when the price drops
 * below the target (again only after it has been back over it), when it moves by at least the threshold
 * from the price last reported, and when the product is unavailable on two checks in a row.
 */
export function createWatches(deps: Deps) {
  const { db, clock } = deps;

  async function select(where: SQL | undefined): Promise<Watch[]> {
    const rows = await db
      .select(watchColumns)
      .from(supplierWatches)
      .innerJoin(supplierProducts, eq(supplierProducts.id, supplierWatches.supplierProductId))
      .where(where)
      .orderBy(asc(supplierWatches.id));
    return rows.map(toWatch);
  }

  /** Applies one check's result to one watch and queues its alerts, all in one transaction. */
  async function apply(watchId: number, state: ProductState): Promise<WatchAlert[]> {
    return db.transaction(async (tx) => {
      const [row] = await tx
        .select(watchColumns)
        .from(supplierWatches)
        .innerJoin(supplierProducts, eq(supplierProducts.id, supplierWatches.supplierProductId))
        .where(eq(supplierWatches.id, watchId))
        .for('update', { of: supplierWatches });
      if (!row) return []; // removed while we were checking
      const { watch, alerts, change } = assess(row, state);
      const now = clock.now();
      await tx
        .update(supplierWatches)
        .set({ ...change, lastCheckedAt: now })
        .where(eq(supplierWatches.id, watch.id));
      if (alerts.length > 0) await deps.notify(tx, watch, alerts, `watch:${watch.id}:${now.toISOString()}`);
      return alerts;
    });
  }

  return {
    /**
     * Starts watching a product (a link or an id) for a chat: the product is looked up now, so the watch
     * starts from its real current price. Prices are in the shop's currency.
     */
    async add(request: {
      product: string;
      platform: string;
      chatId: string;
      locale: 'es' | 'en';
      currency: string;
      belowMinor?: number | undefined;
      changePercent?: number | undefined;
      createdBy: number | null;
      signal?: AbortSignal | undefined;
    }): Promise<Watch> {
      const externalId = productIdFrom(request.product);
      const shop = await deps.settings.current();
      const state = await deps.source.product(externalId, {
        locale: request.locale,
        currency: request.currency,
        shipTo: shop.region,
        signal: request.signal,
      });
      if (!state.item) throw new AppError('not_found', `No product ${externalId}`, { id: externalId }, 'watch.gone');
      if (state.item.price.currency !== request.currency) {
        throw new AppError(
          'upstream_failed',
          `AliExpress priced ${externalId} in ${state.item.price.currency}`,
          { currency: state.item.price.currency, shop: request.currency },
          'watch.currency',
        );
      }
      const [productId] = await rememberItems(db, [state.item], state.available);
      const change = request.changePercent ?? (request.belowMinor === undefined ? DEFAULT_CHANGE_PERCENT : null);
      try {
        const [row] = await db
          .insert(supplierWatches)
          .values({
            platform: request.platform,
            chatId: request.chatId,
            locale: request.locale,
            supplierProductId: productId as number,
            currency: request.currency,
            belowMinor: request.belowMinor ?? null,
            changePercent: change,
            referenceMinor: state.item.price.minor,
            belowAlerted: request.belowMinor !== undefined && state.item.price.minor < request.belowMinor,
            lastCheckedAt: clock.now(),
            createdBy: request.createdBy,
          })
          .returning({ id: supplierWatches.id });
        const [watch] = await select(eq(supplierWatches.id, (row as { id: number }).id));
        return watch as Watch;
      } catch (error) {
        if (isUniqueViolation(error))
          throw new AppError('conflict', 'Already watched', { title: state.item.title }, 'watch.exists');
        throw error;
      }
    },

    list: (target: { platform: string; chatId: string }) => select(inChat(target)),

    async remove(target: { platform: string; chatId: string }, id: number): Promise<void> {
      const removed = await db
        .delete(supplierWatches)
        .where(and(eq(supplierWatches.id, id), inChat(target)))
        .returning({ id: supplierWatches.id });
      if (removed.length === 0) throw new AppError('not_found', `No watch ${id}`, { id }, 'watch.not_found');
    },

    /**
     * The watch-prices job: each watched product is looked up once (however many chats watch it), stored,
     * and every watch on it gets its alerts. A product that cannot be checked (blocked, timeout) counts as
     * neither a change nor unavailability; its watches keep the error for /watch list.
     */
    async checkAll(signal?: AbortSignal): Promise<{ products: number; failed: number; alerts: number }> {
      const watches = await select(undefined);
      const shop = await deps.settings.current();
      const byProduct = new Map<number, Watch[]>();
      for (const watch of watches)
        byProduct.set(watch.supplierProductId, [...(byProduct.get(watch.supplierProductId) ?? []), watch]);
      let failed = 0;
      let alerts = 0;
      for (const [productId, group] of byProduct) {
        if (signal?.aborted) break;
        const first = group[0] as Watch;
        let state: ProductState;
        try {
          state = await deps.source.product(first.externalId, {
            locale: first.locale,
            currency: first.currency,
            shipTo: shop.region,
            signal,
          });
        } catch (error) {
          if (signal?.aborted) break;
          failed++;
          deps.log.warn({ err: error, product: first.externalId }, 'watched product could not be checked');
          const code = isAppError(error) ? error.code : 'internal';
          await db
            .update(supplierWatches)
            .set({ lastError: code })
            .where(eq(supplierWatches.supplierProductId, productId));
          continue;
        }
        if (state.item) await rememberItems(db, [state.item], state.available);
        else await markUnavailable(db, productId);
        for (const watch of group) alerts += (await apply(watch.id, state)).length;
      }
      return { products: byProduct.size, failed, alerts };
    },
  };
}

export type Watches = ReturnType<typeof createWatches>;
