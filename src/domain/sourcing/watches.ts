import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { isUniqueViolation } from '../../../db/errors.ts';
import type { Clock } from '../../clock.ts';
import { AppError, isAppError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import type { Money } from '../../money.ts';
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
  shipTo: string;
  notify: WatchNotifier;
  log: Pick<Logger, 'info' | 'warn'>;
}

/** Changes of at least this many percent are reported when a watch names neither a target nor a threshold. */
export const DEFAULT_CHANGE_PERCENT = 10;
/** Unavailable on this many checks in a row before the chat hears of it (one miss may be a hiccup). */
const MISSES_TO_ALERT = 2;

const toWatch = (row: Record<string, unknown>): Watch => ({
  id: Number(row.id),
  platform: String(row.platform),
  chatId: String(row.chat_id),
  locale: row.locale === 'en' ? 'en' : 'es',
  supplierProductId: Number(row.supplier_product_id),
  externalId: String(row.external_id),
  title: String(row.title),
  url: String(row.url),
  available: Boolean(row.available),
  price: { minor: Number(row.price_minor), currency: String(row.product_currency) },
  currency: String(row.currency),
  belowMinor: row.below_minor === null ? null : Number(row.below_minor),
  changePercent: row.change_percent === null ? null : Number(row.change_percent),
  lastCheckedAt: row.last_checked_at ? new Date(String(row.last_checked_at)) : null,
  lastError: row.last_error === null ? null : String(row.last_error),
});

const WATCH_COLUMNS = sql`w.*, p.external_id, p.title, p.url, p.available, p.price_minor, p.currency as product_currency`;

/**
 * Watches on supplier products: re-checked by the watch-prices job, they alert once when the price drops
 * below the target (again only after it has been back over it), when it moves by at least the threshold
 * from the price last reported, and when the product is unavailable on two checks in a row.
 */
export function createWatches(deps: Deps) {
  const { db, clock } = deps;

  async function select(where: ReturnType<typeof sql>): Promise<Watch[]> {
    const rows = (await db.execute(sql`
      select ${WATCH_COLUMNS} from supplier_watches w join supplier_products p on p.id = w.supplier_product_id where ${where} order by w.id`)) as unknown as Array<
      Record<string, unknown>
    >;
    return rows.map(toWatch);
  }

  /** Applies one check's result to one watch and queues its alerts, all in one transaction. */
  async function apply(watchId: number, state: ProductState): Promise<WatchAlert[]> {
    return db.transaction(async (tx) => {
      const [row] = (await tx.execute(sql`
        select ${WATCH_COLUMNS} from supplier_watches w join supplier_products p on p.id = w.supplier_product_id where w.id = ${watchId} for update of w`)) as unknown as Array<
        Record<string, unknown>
      >;
      if (!row) return []; // removed while we were checking
      const watch = toWatch(row);
      const alerts: WatchAlert[] = [];
      let reference = Number(row.reference_minor);
      let belowAlerted = Boolean(row.below_alerted);
      let misses = Number(row.missing_checks);
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
        if (
          watch.changePercent !== null &&
          Math.abs(price.minor - reference) * 100 >= watch.changePercent * reference
        ) {
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
      const now = clock.now().toISOString();
      await tx.execute(sql`
        update supplier_watches set reference_minor = ${reference}, below_alerted = ${belowAlerted}, missing_checks = ${misses},
          last_checked_at = ${now}::timestamptz, last_error = ${error} where id = ${watch.id}`);
      if (alerts.length > 0) await deps.notify(tx, watch, alerts, `watch:${watch.id}:${now}`);
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
    }): Promise<Watch> {
      const externalId = productIdFrom(request.product);
      const state = await deps.source.product(externalId, {
        locale: request.locale,
        currency: request.currency,
        shipTo: deps.shipTo,
      });
      if (!state.item) throw new AppError('not_found', `No product ${externalId}`, { id: externalId }, 'watch.gone');
      if (state.item.price.currency !== request.currency) {
        throw new AppError(
          'upstream_failed',
          `AliExpress priced ${externalId} in ${state.item.price.currency}`,
          { currency: state.item.price.currency },
          'watch.currency',
        );
      }
      const [productId] = await rememberItems(db, [state.item], state.available);
      const change = request.changePercent ?? (request.belowMinor === undefined ? DEFAULT_CHANGE_PERCENT : null);
      try {
        const [row] = (await db.execute(sql`
          insert into supplier_watches (platform, chat_id, locale, supplier_product_id, currency, below_minor, change_percent, reference_minor,
            below_alerted, last_checked_at, created_by)
          values (${request.platform}, ${request.chatId}, ${request.locale}, ${productId}, ${request.currency}, ${request.belowMinor ?? null}, ${change},
            ${state.item.price.minor}, ${request.belowMinor !== undefined && state.item.price.minor < request.belowMinor},
            ${clock.now().toISOString()}::timestamptz, ${request.createdBy})
          returning id`)) as unknown as Array<{ id: string }>;
        const [watch] = await select(sql`w.id = ${Number(row?.id)}`);
        return watch as Watch;
      } catch (error) {
        if (isUniqueViolation(error))
          throw new AppError('conflict', 'Already watched', { title: state.item.title }, 'watch.exists');
        throw error;
      }
    },

    list: (target: { platform: string; chatId: string }) =>
      select(sql`w.platform = ${target.platform} and w.chat_id = ${target.chatId}`),

    async remove(target: { platform: string; chatId: string }, id: number): Promise<void> {
      const removed = (await db.execute(sql`
        delete from supplier_watches where id = ${id} and platform = ${target.platform} and chat_id = ${target.chatId} returning id`)) as unknown as unknown[];
      if (removed.length === 0) throw new AppError('not_found', `No watch ${id}`, { id }, 'watch.not_found');
    },

    /**
     * The watch-prices job: each watched product is looked up once (however many chats watch it), stored,
     * and every watch on it gets its alerts. A product that cannot be checked (blocked, timeout) counts as
     * neither a change nor unavailability; its watches keep the error for /watch list.
     */
    async checkAll(signal?: AbortSignal): Promise<{ products: number; failed: number; alerts: number }> {
      const watches = await select(sql`true`);
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
            shipTo: deps.shipTo,
          });
        } catch (error) {
          failed++;
          deps.log.warn({ err: error, product: first.externalId }, 'watched product could not be checked');
          const code = isAppError(error) ? error.code : 'internal';
          await db.execute(
            sql`update supplier_watches set last_error = ${code} where supplier_product_id = ${productId}`,
          );
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
