import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { shopConnections, shopOauthStates, syncRuns } from '../../../db/schema/shops.ts';
import type { Clock } from '../../clock.ts';
import { AppError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import type { Sealer } from '../../seal.ts';
import {
  authorizationUrl,
  EtsyGrantRefused,
  type EtsyTokens,
  exchangeCode,
  pkcePair,
  refreshTokens,
  shopOfToken,
} from './etsy/auth.ts';
import type { EtsyClient } from './etsy/client.ts';

const STATE_TTL_MS = 10 * 60 * 1000;
/** An access token this close to its end is refreshed before use. */
const REFRESH_MARGIN_MS = 5 * 60 * 1000;

export type ShopLocale = 'es' | 'en';

export interface ChatPlace {
  platform: string;
  chatId: string;
}

/** What a shop connection tells chat: connected (to the chat that asked), broken (to admins, once). */
export type ShopNotice =
  | { kind: 'connected'; shopName: string; chat: ChatPlace; locale: ShopLocale; connectionId: number }
  | { kind: 'broken'; shopName: string; chat: ChatPlace; locale: ShopLocale; connectionId: number };

/** Queues the notice inside the caller's transaction, so it goes out exactly when the change commits. */
export type ShopNotifier = (tx: Db, notice: ShopNotice) => Promise<void>;

export interface Connection {
  id: number;
  platform: 'etsy';
  shopId: number;
  shopName: string;
  status: 'active' | 'broken';
  receiptsSince: Date | null;
  lastSyncAt: Date | null;
}

export type CallbackOutcome =
  | { outcome: 'connected'; shopName: string; locale: ShopLocale }
  | { outcome: 'bad_state' | 'expired' }
  | { outcome: 'denied' | 'failed'; locale: ShopLocale };

export interface ConnectionDeps {
  db: Db;
  clock: Clock;
  log: Logger;
  client: EtsyClient;
  sealer: () => Promise<Sealer>;
  clientId: string;
  oauthBase: string;
  redirectUri: string;
  notify: ShopNotifier;
}

const hashState = (state: string) => createHash('sha256').update(state).digest('hex');

const columns = {
  id: shopConnections.id,
  platform: shopConnections.platform,
  shopId: shopConnections.shopId,
  shopName: shopConnections.shopName,
  status: shopConnections.status,
  receiptsSince: shopConnections.receiptsSince,
  lastSyncAt: shopConnections.lastSyncAt,
};

/** Connecting shops (OAuth with PKCE), their sealed tokens, refreshed under a row lock, and removing them. */
export function createConnections(deps: ConnectionDeps) {
  const { db, clock, log } = deps;

  /** A fresh authorization link for `userId` in `chat`; its state works once, for 10 minutes. */
  async function start(request: { userId: number; chat: ChatPlace; locale: ShopLocale }) {
    const sealer = await deps.sealer();
    const state = randomBytes(32).toString('base64url');
    const { verifier, challenge } = pkcePair();
    const expiresAt = new Date(clock.now().getTime() + STATE_TTL_MS);
    await db.insert(shopOauthStates).values({
      stateHash: hashState(state),
      verifier: sealer.seal(verifier, 'etsy:pkce'),
      userId: request.userId,
      chatPlatform: request.chat.platform,
      chatId: request.chat.chatId,
      locale: request.locale,
      redirectUri: deps.redirectUri,
      expiresAt,
    });
    const url = authorizationUrl({
      oauthBase: deps.oauthBase,
      clientId: deps.clientId,
      redirectUri: deps.redirectUri,
      state,
      challenge,
    });
    return { url, expiresAt };
  }

  /** Takes a state once: unknown or used answers undefined; an expired one is spent too. */
  async function takeState(state: string) {
    const [row] = await db
      .update(shopOauthStates)
      .set({ usedAt: clock.now() })
      .where(and(eq(shopOauthStates.stateHash, hashState(state)), sql`${shopOauthStates.usedAt} is null`))
      .returning();
    return row;
  }

  /** The callback: checks the state, trades the code, finds the shop, stores the sealed tokens, tells the chat. */
  async function finish(query: { state?: string | undefined; code?: string | undefined; error?: string | undefined }) {
    const pending = query.state ? await takeState(query.state) : undefined;
    if (!pending) return { outcome: 'bad_state' } satisfies CallbackOutcome;
    if (pending.expiresAt.getTime() <= clock.now().getTime()) return { outcome: 'expired' } satisfies CallbackOutcome;
    const locale = pending.locale;
    if (query.error || !query.code) return { outcome: 'denied', locale } satisfies CallbackOutcome;
    try {
      const sealer = await deps.sealer();
      const verifier = sealer.open(pending.verifier, 'etsy:pkce');
      const tokens = await exchangeCode(deps.client, deps.clientId, {
        code: query.code,
        verifier,
        redirectUri: pending.redirectUri,
      });
      const shop = await shopOfToken(deps.client, tokens.access_token);
      const chat = { platform: pending.chatPlatform, chatId: pending.chatId };
      await store(sealer, tokens, shop, { userId: pending.userId, chat, locale });
      return { outcome: 'connected', shopName: shop.shopName, locale } satisfies CallbackOutcome;
    } catch (error) {
      log.warn({ err: error }, 'etsy connection failed at the callback');
      return { outcome: 'failed', locale } satisfies CallbackOutcome;
    }
  }

  async function store(
    sealer: Sealer,
    tokens: EtsyTokens,
    shop: { memberId: number; shopId: number; shopName: string },
    who: { userId: number; chat: ChatPlace; locale: ShopLocale },
  ) {
    const sealed = {
      shopName: shop.shopName,
      memberId: shop.memberId,
      accessToken: sealer.seal(tokens.access_token, 'etsy:access'),
      refreshToken: sealer.seal(tokens.refresh_token, 'etsy:refresh'),
      accessExpiresAt: new Date(clock.now().getTime() + tokens.expires_in * 1000),
      status: 'active' as const,
      brokenAt: null,
      connectedBy: who.userId,
      chatPlatform: who.chat.platform,
      chatId: who.chat.chatId,
      locale: who.locale,
    };
    await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(shopConnections)
        .values({ platform: 'etsy', shopId: shop.shopId, ...sealed })
        .onConflictDoUpdate({ target: [shopConnections.platform, shopConnections.shopId], set: sealed })
        .returning({ id: shopConnections.id });
      const notice = { kind: 'connected' as const, shopName: shop.shopName, chat: who.chat, locale: who.locale };
      await deps.notify(tx, { ...notice, connectionId: row?.id ?? 0 });
    });
  }

  /**
   * A working access token for the connection, refreshed first when it is about to end (or `force`d after Etsy
   * refused it). The row is locked while refreshing, so two instances refresh once: the second finds the new token.
   * A refused refresh token breaks the connection and tells its chat, once.
   */
  async function accessToken(connectionId: number, options: { force?: string } = {}): Promise<string> {
    const sealer = await deps.sealer();
    const outcome = await db.transaction(async (tx): Promise<{ token: string } | { broken: { id: number } }> => {
      const [row] = await tx.select().from(shopConnections).where(eq(shopConnections.id, connectionId)).for('update');
      if (!row) throw new AppError('not_found', 'shop connection removed', {}, 'shops.none');
      if (row.status === 'broken') throw new EtsyGrantRefused();
      const current = sealer.open(row.accessToken, 'etsy:access');
      const fresh = row.accessExpiresAt.getTime() - clock.now().getTime() > REFRESH_MARGIN_MS;
      if (fresh && options.force !== current) return { token: current };
      try {
        const tokens = await refreshTokens(deps.client, deps.clientId, sealer.open(row.refreshToken, 'etsy:refresh'));
        await tx
          .update(shopConnections)
          .set({
            accessToken: sealer.seal(tokens.access_token, 'etsy:access'),
            refreshToken: sealer.seal(tokens.refresh_token, 'etsy:refresh'),
            accessExpiresAt: new Date(clock.now().getTime() + tokens.expires_in * 1000),
          })
          .where(eq(shopConnections.id, connectionId));
        return { token: tokens.access_token };
      } catch (error) {
        if (error instanceof EtsyGrantRefused) return { broken: row };
        throw error;
      }
    });
    if ('token' in outcome) return outcome.token;
    await markBroken(outcome.broken.id);
    throw new EtsyGrantRefused();
  }

  async function markBroken(connectionId: number) {
    await db.transaction(async (tx) => {
      const [row] = await tx
        .update(shopConnections)
        .set({ status: 'broken', brokenAt: clock.now() })
        .where(and(eq(shopConnections.id, connectionId), eq(shopConnections.status, 'active')))
        .returning();
      if (!row) return; // already broken: the admins were told then
      log.warn({ connectionId, shop: row.shopName }, 'etsy refused the refresh token; connection marked broken');
      const chat = { platform: row.chatPlatform, chatId: row.chatId };
      await deps.notify(tx, { kind: 'broken', shopName: row.shopName, chat, locale: row.locale, connectionId });
    });
  }

  return {
    start,
    finish,
    accessToken,
    /** Every connection, with its latest sync run. */
    async list() {
      const rows = await db.select(columns).from(shopConnections).orderBy(shopConnections.id);
      return Promise.all(
        rows.map(async (row) => {
          const [run] = await db
            .select()
            .from(syncRuns)
            .where(eq(syncRuns.connectionId, row.id))
            .orderBy(desc(syncRuns.startedAt), desc(syncRuns.id))
            .limit(1);
          return { ...(row as Connection), lastRun: run };
        }),
      );
    },
    async get(connectionId: number): Promise<Connection | undefined> {
      const [row] = await db.select(columns).from(shopConnections).where(eq(shopConnections.id, connectionId));
      return row as Connection | undefined;
    },
    /** Removes the connection (links, pending pushes and receipts' bookkeeping go with it; products and sales stay). */
    async remove(connectionId: number): Promise<boolean> {
      const removed = await db
        .delete(shopConnections)
        .where(eq(shopConnections.id, connectionId))
        .returning({ id: shopConnections.id });
      return removed.length > 0;
    },
  };
}

export type Connections = ReturnType<typeof createConnections>;
