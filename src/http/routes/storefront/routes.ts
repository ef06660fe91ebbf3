import { getConnInfo } from '@hono/node-server/conninfo';
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import type { Clock } from '../../../clock.ts';
import type { ApiKey, ApiKeys } from '../../../domain/apikeys/index.ts';
import {
  type Inventory,
  MAX_QTY,
  type ProductStock,
  type Reservation,
  skuSchema,
} from '../../../domain/inventory/index.ts';
import { isAppError } from '../../../errors.ts';
import { minorToDecimal } from '../../../money.ts';
import { limitBody } from '../../body-limit.ts';
import { createKeyGuard, type KeyGuardOptions } from './key-guard.ts';
import { storefrontOpenApi } from './openapi.ts';

type StorefrontEnv = { Variables: { apiKey: ApiKey } };

const reservationBody = z.strictObject({
  sku: skuSchema(),
  qty: z.number().int().min(1).max(MAX_QTY),
  ttl_seconds: z
    .number()
    .int()
    .min(30)
    .max(7 * 24 * 60 * 60)
    .optional(),
  reference: z.string().max(200).optional(),
});

const idempotencyKey = z.string().regex(/^[\x21-\x7e]{1,200}$/);
const publicId = z.string().regex(/^res_[0-9a-f]{32}$/);
const skuList = z
  .string()
  .transform((value) => value.split(',').filter((sku) => sku.trim() !== ''))
  .pipe(z.array(skuSchema()).min(1).max(100));

const reservationJson = (reservation: Reservation) => ({
  id: reservation.publicId,
  sku: reservation.sku,
  qty: reservation.qty,
  status: reservation.status,
  expires_at: reservation.expiresAt.toISOString(),
  reference: reservation.reference,
});

const stateJson = (reservation: Reservation) => ({ id: reservation.publicId, status: reservation.status });

const stockJson = (stock: ProductStock) => ({
  sku: stock.sku,
  title: stock.title,
  total: stock.total,
  reserved: stock.reserved,
  sold: stock.sold,
  available: stock.available,
  price: minorToDecimal(stock.priceMinor, stock.currency),
  currency: stock.currency,
});

const bearerOf = (c: Context) => c.req.header('authorization')?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? '';

const unauthorized = (c: Context) =>
  c.json({ error: 'unauthorized', message: 'Send Authorization: Bearer <api key>' }, 401);

const notFound = (c: Context, message = 'No such reservation') => c.json({ error: 'not_found', message }, 404);

/** The caller's address; tests that call the app without a socket share one. */
function addressOf(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The storefront API of SPEC §4, mounted at /api/v1: stock reads and reservations for a web shop's checkout. */
export function storefrontRoutes(deps: {
  inventory: Inventory;
  apiKeys: ApiKeys;
  clock: Clock;
  guard?: Omit<KeyGuardOptions, 'clock' | 'trusted'>;
}) {
  const { inventory } = deps;
  const guard = createKeyGuard({ clock: deps.clock, trusted: deps.apiKeys.recognises, ...deps.guard });
  const app = new Hono<StorefrontEnv>();
  app.get('/openapi.json', (c) => c.json(storefrontOpenApi));
  app.use(
    limitBody(16 * 1024, (c) => c.json({ error: 'payload_too_large', message: 'The body must be at most 16 KB' }, 413)),
  );
  app.use(async (c, next) => {
    const key = bearerOf(c);
    const address = addressOf(c);
    const wait = guard.retryAfter(address, key);
    if (wait > 0) {
      c.header('Retry-After', String(wait));
      return c.json({ error: 'rate_limited', message: 'Too many refused API keys from this address' }, 429);
    }
    // Creating a reservation re-checks the key inside its own statement, so it may take the key's identity from
    // memory; every other route asks the database.
    const fromMemory = c.req.method === 'POST' && c.req.path.endsWith('/reservations');
    const apiKey = key ? await (fromMemory ? deps.apiKeys.identify(key) : deps.apiKeys.verify(key)) : undefined;
    if (!apiKey) {
      guard.refused(address);
      return unauthorized(c);
    }
    c.set('apiKey', apiKey);
    await next();
  });

  app.get('/stock/:sku', async (c) => {
    const sku = skuSchema().safeParse(c.req.param('sku'));
    const stock = sku.success ? await inventory.stock.get(sku.data) : undefined;
    return stock ? c.json(stockJson(stock)) : notFound(c, 'No product with that SKU');
  });

  app.get('/stock', async (c) => {
    const skus = skuList.safeParse(c.req.query('skus') ?? '');
    if (!skus.success)
      return c.json({ error: 'invalid_input', message: 'Send ?skus=A,B,C with 1 to 100 valid SKUs' }, 422);
    const items = await inventory.stock.many(skus.data);
    const found = new Set(items.map((item) => item.sku));
    return c.json({ items: items.map(stockJson), missing: [...new Set(skus.data)].filter((sku) => !found.has(sku)) });
  });

  app.post('/reservations', async (c) => {
    const key = idempotencyKey.safeParse(c.req.header('idempotency-key'));
    if (!key.success)
      return c.json(
        {
          error: 'missing_idempotency_key',
          message: 'Send an Idempotency-Key header (1-200 visible ASCII characters)',
        },
        400,
      );
    const raw = await c.req.json().catch(() => undefined);
    if (raw === undefined) return c.json({ error: 'invalid_json', message: 'The body must be JSON' }, 400);
    const body = reservationBody.safeParse(raw);
    if (!body.success) {
      const issues = body.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
      return c.json(
        { error: 'invalid_input', message: 'The body does not match {sku, qty, ttl_seconds?, reference?}', issues },
        422,
      );
    }
    const apiKey = c.get('apiKey');
    try {
      const { reservation, replayed } = await inventory.reservations.reserve({
        sku: body.data.sku,
        qty: body.data.qty,
        ttlSeconds: body.data.ttl_seconds,
        reference: body.data.reference,
        idempotencyKey: `api:${apiKey.id}:${key.data}`,
        apiKeyId: apiKey.id,
        actor: `api:${apiKey.name}`,
      });
      if (replayed) c.header('Idempotent-Replayed', 'true');
      return c.json(reservationJson(reservation), 201);
    } catch (error) {
      if (isAppError(error) && error.reason === 'apikey.revoked') {
        deps.apiKeys.forget(bearerOf(c));
        guard.refused(addressOf(c));
        return unauthorized(c);
      }
      if (isAppError(error) && error.reason === 'reservation.key_reused') {
        const message = 'This Idempotency-Key was used with a different body';
        return c.json({ error: 'idempotency_key_reused', message }, 422);
      }
      throw error;
    }
  });

  /** A reservation of this key, or a 404 exactly like one that does not exist. */
  const mine = (c: Context<StorefrontEnv>) => {
    const id = publicId.safeParse(c.req.param('id'));
    return id.success ? { publicId: id.data, apiKeyId: c.get('apiKey').id } : undefined;
  };
  const actor = (c: Context<StorefrontEnv>) => `api:${c.get('apiKey').name}`;

  app.get('/reservations/:id', async (c) => {
    const ref = mine(c);
    const reservation = ref ? await inventory.reservations.get(ref) : undefined;
    return reservation ? c.json(reservationJson(reservation)) : notFound(c);
  });

  app.post('/reservations/:id/commit', async (c) => {
    const ref = mine(c);
    return ref ? c.json(stateJson((await inventory.reservations.commit(ref, actor(c))).value)) : notFound(c);
  });

  app.post('/reservations/:id/ship', async (c) => {
    const ref = mine(c);
    return ref ? c.json(stateJson((await inventory.reservations.ship(ref, actor(c))).value)) : notFound(c);
  });

  app.delete('/reservations/:id', async (c) => {
    const ref = mine(c);
    return ref ? c.json(stateJson((await inventory.reservations.release(ref, actor(c))).value)) : notFound(c);
  });

  return app;
}
