import { eq } from 'drizzle-orm';
import type { Sql } from 'postgres';
import type { Db } from '../../../db/client.ts';
import { withSessionLock } from '../../../db/locks.ts';
import { etsyPushes, shopConnections } from '../../../db/schema/shops.ts';
import type { Clock } from '../../clock.ts';
import { AppError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import { createSealer, type Sealer } from '../../seal.ts';
import type { Inventory } from '../inventory/index.ts';
import { type Connection, createConnections, type ShopNotifier } from './connections.ts';
import { createEtsyClient } from './etsy/client.ts';
import { pushQueued } from './etsy/push.ts';
import { applyReceipt, stepFor } from './etsy/receipts.ts';
import { createEtsySession } from './etsy/session.ts';
import { receiptSchema } from './etsy/shapes.ts';
import { type SyncProgress, syncShop } from './etsy/sync.ts';
import { createShopStore, noCounts, type SyncCounts } from './store.ts';

export type { CallbackOutcome, ChatPlace, Connection, ShopLocale, ShopNotice, ShopNotifier } from './connections.ts';
export { EtsyGrantRefused } from './etsy/auth.ts';
export { EtsyDailyBudgetSpent } from './etsy/client.ts';
export type { SyncProgress } from './etsy/sync.ts';
export { verifyEtsyWebhook, type WebhookCheck } from './etsy/webhook.ts';
export type { SyncCounts } from './store.ts';

export interface ShopsConfig {
  apiKey: string;
  sharedSecret: string;
  apiBase: string;
  oauthBase: string;
  /** `${PUBLIC_URL}/oauth/etsy/callback`. */
  redirectUri: string;
}

export interface ShopsDeps {
  db: Db;
  sql: Sql;
  clock: Clock;
  log: Logger;
  inventory: Inventory;
  /** ENCRYPTION_KEY (or the one kept in $DATA_DIR); without one, shops cannot be connected. */
  key: () => Promise<Buffer | undefined>;
  etsy: ShopsConfig | undefined;
  notify: ShopNotifier;
}

export interface SyncResult extends SyncCounts {
  shop: string;
  callsUsed: number;
  /** Why this shop's sync failed (said in the chat through errorText). */
  error?: unknown;
}

const notConfigured = () => new AppError('unavailable', 'Etsy is not configured', {}, 'shops.notConfigured');

/** Marketplace shops: connect (Etsy OAuth), sync listings, stock and orders, push local stock back, webhooks. */
export function createShops(deps: ShopsDeps) {
  const { db, clock, log } = deps;
  const etsy = deps.etsy;
  const client = etsy
    ? createEtsyClient({ apiBase: etsy.apiBase, apiKey: etsy.apiKey, sharedSecret: etsy.sharedSecret, clock, log })
    : undefined;
  let sealer: Promise<Sealer> | undefined;
  const sealerOf = () =>
    (sealer ??= deps.key().then((key) => {
      if (!key) throw new AppError('unavailable', 'no encryption key', {}, 'shops.noKey');
      return createSealer(key);
    }));
  const store = createShopStore(db);
  const connections =
    etsy && client
      ? createConnections({
          db,
          clock,
          log,
          client,
          sealer: sealerOf,
          clientId: etsy.apiKey,
          oauthBase: etsy.oauthBase,
          redirectUri: etsy.redirectUri,
          notify: deps.notify,
        })
      : undefined;
  const need = () => {
    if (!connections || !client) throw notConfigured();
    return { connections, client };
  };
  const sessionFor = (connection: Connection, signal?: AbortSignal) => {
    const { connections: all, client: etsyClient } = need();
    return createEtsySession(
      etsyClient,
      (refused) => all.accessToken(connection.id, refused ? { force: refused } : {}),
      signal,
    );
  };

  async function pushFor(connection: Connection, signal?: AbortSignal, session = sessionFor(connection, signal)) {
    const pushed = await withSessionLock(deps.sql, `shops:push:${connection.id}`, () =>
      pushQueued({ db, log, inventory: deps.inventory, session, connectionId: connection.id }, signal),
    );
    return pushed.locked ? pushed.value : { updated: 0, failed: 0 };
  }

  async function syncOne(
    connection: Connection,
    trigger: 'job' | 'command',
    options: { progress?: (progress: SyncProgress) => Promise<void>; signal?: AbortSignal },
  ): Promise<SyncResult> {
    const locked = await withSessionLock(deps.sql, `shops:sync:${connection.id}`, async () => {
      const startedAt = clock.now();
      const runId = await store.startRun(connection.id, connection.shopName, trigger, startedAt);
      const session = sessionFor(connection, options.signal);
      const counts = noCounts();
      try {
        // Local changes first, so Etsy's answer already has them; the same session counts every call of the run.
        await pushFor(connection, options.signal, session);
        await syncShop(
          {
            db,
            clock,
            log,
            inventory: deps.inventory,
            store,
            session,
            connection,
            runId,
            ...options,
          },
          counts,
        );
        await store.synced(connection.id, clock.now(), startedAt);
        await store.finishRun(runId, counts, session.calls, clock.now());
        return { shop: connection.shopName, ...counts, callsUsed: session.calls };
      } catch (error) {
        await store.finishRun(runId, counts, session.calls, clock.now(), error);
        throw error;
      }
    });
    if (!locked.locked)
      throw new AppError(
        'conflict',
        'a sync of this shop is running',
        { shop: connection.shopName },
        'shops.syncRunning',
      );
    return locked.value;
  }

  async function active(): Promise<Connection[]> {
    return (await need().connections.list()).filter((connection) => connection.status === 'active');
  }

  return {
    configured: etsy !== undefined,
    start: (request: Parameters<NonNullable<typeof connections>['start']>[0]) => need().connections.start(request),
    finish: (query: Parameters<NonNullable<typeof connections>['finish']>[0]) => need().connections.finish(query),
    list: () => (connections ? connections.list() : Promise.resolve([])),
    /** Removes the connection to the shop named `name` (or the only one); answers its name, or undefined. */
    async disconnect(name?: string): Promise<string | undefined> {
      const all = await need().connections.list();
      const found = name ? all.find((c) => c.shopName.toLowerCase() === name.toLowerCase()) : all[0];
      if (!found || !(await need().connections.remove(found.id))) return undefined;
      log.info({ shop: found.shopName }, 'etsy shop disconnected');
      return found.shopName;
    },
    /** Syncs one shop by name, or every active one; a shop's failure is its result's `error` unless asked by name. */
    async sync(options: {
      shop?: string | undefined;
      trigger: 'job' | 'command';
      progress?: (progress: SyncProgress) => Promise<void>;
      signal?: AbortSignal;
    }): Promise<SyncResult[]> {
      const all = await active();
      const chosen = options.shop ? all.filter((c) => c.shopName.toLowerCase() === options.shop?.toLowerCase()) : all;
      if (options.shop && chosen.length === 0)
        throw new AppError('not_found', 'no such shop', { shop: options.shop }, 'shops.unknown');
      const results: SyncResult[] = [];
      for (const connection of chosen) {
        const run = syncOne(connection, options.trigger, options);
        if (chosen.length === 1) results.push(await run);
        else
          results.push(
            await run.catch((error) => ({
              shop: connection.shopName,
              ...noCounts(),
              callsUsed: 0,
              error,
            })),
          );
      }
      return results;
    },
    /** Sends queued local stock changes to Etsy for every active shop. */
    async push(signal?: AbortSignal) {
      let updated = 0;
      for (const connection of connections ? await active() : [])
        updated += (await pushFor(connection, signal)).updated;
      return updated;
    },
    /** Whether any shop has local stock changes waiting to go to Etsy. */
    async pushesWaiting(): Promise<number> {
      return (await db.select({ listingId: etsyPushes.listingId }).from(etsyPushes)).length;
    },
    /**
     * ORDER_PAID from the webhook: the receipt is read again from ETSY_API_BASE (only the path Etsy named, checked)
     * and recorded as a sale once. Answers what happened.
     */
    async orderPaid(shopId: number, path: string): Promise<'recorded' | 'unchanged' | 'unknown_shop' | 'failed'> {
      if (!/^\/v3\/application\/shops\/\d+\/receipts\/\d+$/.test(path) || !path.includes(`/shops/${shopId}/`))
        return 'failed';
      const [row] = await db
        .select({ id: shopConnections.id })
        .from(shopConnections)
        .where(eq(shopConnections.shopId, shopId));
      const connection = row ? await need().connections.get(row.id) : undefined;
      if (connection?.status !== 'active') return 'unknown_shop';
      const receipt = receiptSchema.parse(await sessionFor(connection).get(path));
      const sale = (await store.receipts(connection.id, [receipt.receipt_id])).get(receipt.receipt_id);
      const counts = noCounts();
      const receiptDeps = { db, log, inventory: deps.inventory, store, connectionId: connection.id };
      await applyReceipt(receiptDeps, receipt, stepFor(receipt, sale), sale, counts);
      if (counts.failed > 0) return 'failed';
      return counts.created + counts.changed > 0 ? 'recorded' : 'unchanged';
    },
    close: async () => client?.close(),
  };
}

export type Shops = ReturnType<typeof createShops>;
