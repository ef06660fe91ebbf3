// A real HTTP server on 127.0.0.1 that stands in for Etsy: its url is both ETSY_API_BASE (/v3/application/...,
// /v3/public/oauth/token) and ETSY_OAUTH_BASE (/oauth/connect). Requests are routed and validated against Etsy's
// own Open API v3 spec; answers take the spec's shapes; the shop's state is the truth a test asserts against.
// README.md lists what it serves and the levers a test pulls; each part's file says what it copies from Etsy.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type Context, Hono } from 'hono';
import { type Clock, systemClock } from '../../../src/clock.ts';
import type { FakeAnswer } from './answer.ts';
import { type ApiDeps, type FakeCall, handleApiCall } from './api.ts';
import {
  countActive,
  createShopState,
  type FakeListing,
  findProduct,
  type ShopOptions,
  seconds,
  summarize,
} from './catalogue.ts';
import { createOAuth, type FakeOAuth, type OAuthOptions } from './oauth.ts';
import { createRateLimiter, type RateLimiter, type RateLimitOptions } from './rate-limit.ts';
import { addHistory, buy, type Purchase, type ReceiptStatus, setStatus } from './receipts.ts';
import { etsySpecBackend } from './spec.ts';
import { createWebhooks, type FakeWebhooks, newWebhookSecret } from './webhooks.ts';

type Json = Record<string, any>;

export type { FakeCall } from './api.ts';
export type { FakeListing, Inventory, Product } from './catalogue.ts';
export type { TokenSet } from './oauth.ts';
export type { Purchase, ReceiptStatus } from './receipts.ts';
export type { SentDelivery, WebhookDelivery } from './webhooks.ts';

export interface EtsyFakeOptions extends ShopOptions, OAuthOptions, RateLimitOptions {
  /** Drives token, code and rate-limit time and every Etsy timestamp (default: the system clock). */
  clock?: Clock;
  /** How many past receipts the shop has (default 10). */
  receipts?: number;
  keystring?: string;
  sharedSecret?: string;
  /** `whsec_<base64>`; default a fresh one. */
  webhookSecret?: string;
}

export interface EtsyFake {
  /** ETSY_API_BASE and ETSY_OAUTH_BASE, e.g. http://127.0.0.1:41234 */
  url: string;
  keystring: string;
  sharedSecret: string;
  /** The x-api-key value Etsy wants: `keystring:shared_secret`. */
  apiKey: string;
  /** The Shop record as getShop answers it now. */
  readonly shop: Json;
  ownerUserId: number;
  /** Every /v3/application call, in order. */
  calls: FakeCall[];
  /** A listing and its inventory as Etsy holds them now (copies). */
  listing(listingId: number): FakeListing | undefined;
  listings(): FakeListing[];
  receipt(receiptId: number): Json | undefined;
  receipts(): Json[];
  /** The seller changes stock on Etsy: one product's quantity (by SKU or product id; else the first). */
  setQuantity(listingId: number, quantity: number, match?: { sku?: string; productId?: number }): void;
  /** A buyer checks out now: stock goes down, a receipt appears (paid unless `status` says otherwise). */
  buy(purchase: Purchase): Json;
  /** The receipt moves to `status` now (its updated_timestamp too, so min_last_modified finds it). */
  setReceiptStatus(receiptId: number, status: ReceiptStatus): Json;
  oauth: Omit<FakeOAuth, 'connect' | 'token' | 'authenticate'>;
  rateLimit: Omit<RateLimiter, 'take' | 'headers'>;
  webhooks: FakeWebhooks;
  close(): Promise<void>;
}

function respond(answer: FakeAnswer): Response {
  const headers = new Headers(answer.headers);
  if (answer.text !== undefined) {
    headers.set('content-type', 'text/html; charset=utf-8');
    return new Response(`<!doctype html><html><body><p>${answer.text}</p></body></html>`, {
      status: answer.status,
      headers,
    });
  }
  if (answer.body === undefined) return new Response(null, { status: answer.status, headers });
  headers.set('content-type', 'application/json');
  return new Response(JSON.stringify(answer.body), { status: answer.status, headers });
}

/** The token endpoint takes a form (as Etsy documents) or JSON (as Etsy's quickstart sends). */
async function tokenParams(c: Context): Promise<Record<string, string>> {
  const text = await c.req.text();
  if ((c.req.header('content-type') ?? '').includes('application/json')) {
    try {
      return Object.fromEntries(Object.entries(JSON.parse(text)).map(([key, value]) => [key, String(value)]));
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(text));
}

function buildApp(deps: ApiDeps, calls: FakeCall[]): Hono {
  const app = new Hono();
  app.get('/oauth/connect', (c) => respond(deps.oauth.connect(new URL(c.req.url).searchParams)));
  app.post('/v3/public/oauth/token', async (c) => {
    const answer = deps.oauth.token(await tokenParams(c));
    return respond({ ...answer, headers: { 'cache-control': 'no-store' } });
  });
  app.all('/v3/application/*', async (c) => {
    const request = {
      method: c.req.method,
      url: new URL(c.req.url),
      headers: c.req.raw.headers,
      body: await c.req.text(),
    };
    return respond(handleApiCall(deps, request, calls));
  });
  return app;
}

export async function createEtsyFake(options: EtsyFakeOptions = {}): Promise<EtsyFake> {
  const clock = options.clock ?? systemClock;
  const keystring = options.keystring ?? 'fakeetsykeystring0000001';
  const sharedSecret = options.sharedSecret ?? 'fakesharedsecret';
  const state = createShopState(clock, options);
  addHistory(state, options.receipts ?? 10);
  const oauth = createOAuth(clock, keystring, state.ownerUserId, options);
  const rate = createRateLimiter(clock, options);
  const deps: ApiDeps = {
    backend: await etsySpecBackend(),
    state,
    oauth,
    rate,
    keystring,
    sharedSecret,
    applicationId: 1_000_001,
  };
  const calls: FakeCall[] = [];
  const server = serve({ fetch: buildApp(deps, calls).fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  const record = (listingId: number) => {
    const found = state.listings.get(listingId);
    if (!found) throw new Error(`no listing ${listingId} in the fake shop`);
    return found;
  };

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    keystring,
    sharedSecret,
    apiKey: `${keystring}:${sharedSecret}`,
    get shop() {
      return structuredClone(state.shop);
    },
    ownerUserId: state.ownerUserId,
    calls,
    listing: (listingId) => structuredClone(state.listings.get(listingId)),
    listings: () => structuredClone([...state.listings.values()]),
    receipt: (receiptId) => structuredClone(state.receipts.get(receiptId)),
    receipts: () => structuredClone([...state.receipts.values()]),
    setQuantity(listingId, quantity, match) {
      const found = record(listingId);
      findProduct(found, match).offerings[0]!.quantity = quantity;
      summarize(found, seconds(clock));
      countActive(state);
    },
    buy: (purchase) => {
      const receipt = buy(state, purchase);
      countActive(state);
      return structuredClone(receipt);
    },
    setReceiptStatus(receiptId, status) {
      const receipt = state.receipts.get(receiptId);
      if (!receipt) throw new Error(`no receipt ${receiptId} in the fake shop`);
      setStatus(receipt, status, seconds(clock));
      return structuredClone(receipt);
    },
    oauth,
    rateLimit: rate,
    webhooks: createWebhooks(state, options.webhookSecret ?? newWebhookSecret()),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // undici keeps idle sockets open; without this close() waits for them to time out.
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}
