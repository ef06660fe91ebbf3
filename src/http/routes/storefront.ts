import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { ApiKey, ApiKeys } from '../../domain/apikeys/index.ts';
import type { Inventory, Reservation } from '../../domain/inventory/index.ts';

type StorefrontEnv = { Variables: { apiKey: ApiKey } };

const reservationBody = z.strictObject({
  sku: z.string().trim().min(1).max(64),
  qty: z.number().int().min(1).max(1_000_000),
  ttl_seconds: z
    .number()
    .int()
    .min(30)
    .max(7 * 24 * 60 * 60)
    .optional(),
  reference: z.string().max(200).optional(),
});

const idempotencyKey = z.string().regex(/^[\x21-\x7e]{1,200}$/);
const reservationId = z
  .string()
  .regex(/^\d{1,15}$/)
  .transform(Number);

const reservationJson = (reservation: Reservation) => ({
  id: reservation.id,
  sku: reservation.sku,
  qty: reservation.qty,
  status: reservation.status,
  expires_at: reservation.expiresAt.toISOString(),
  ...(reservation.reference ? { reference: reservation.reference } : {}),
});

/** The storefront API of SPEC §4, mounted at /api/v1: stock reads and reservations for a web shop's checkout. */
export function storefrontRoutes(deps: { inventory: Inventory; apiKeys: ApiKeys }) {
  const app = new Hono<StorefrontEnv>();
  app.use(bodyLimit({ maxSize: 16 * 1024, onError: (c) => c.json({ error: 'payload_too_large' }, 413) }));
  app.use(async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = header.match(/^Bearer\s+(\S+)$/i);
    const key = match?.[1] ? await deps.apiKeys.verify(match[1]) : undefined;
    if (!key) return c.json({ error: 'unauthorized', message: 'Send Authorization: Bearer <api key>' }, 401);
    c.set('apiKey', key);
    await next();
  });

  app.get('/stock/:sku', async (c) => {
    const sku = c.req.param('sku');
    const view = /^[\w./-]{1,64}$/.test(sku) ? await deps.inventory.stock.get(sku) : undefined;
    if (!view) return c.json({ error: 'not_found', message: 'No product with that SKU' }, 404);
    const { total, reserved, sold, available } = view;
    return c.json({ sku: view.sku, title: view.title, total, reserved, sold, available });
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
    const { reservation, replayed } = await deps.inventory.reservations.reserve({
      sku: body.data.sku,
      qty: body.data.qty,
      ttlSeconds: body.data.ttl_seconds,
      reference: body.data.reference,
      idempotencyKey: `api:${apiKey.id}:${key.data}`,
      actor: `api:${apiKey.name}`,
    });
    if (replayed) c.header('Idempotent-Replayed', 'true');
    return c.json(reservationJson(reservation), 201);
  });

  app.post('/reservations/:id/commit', async (c) => {
    const id = reservationId.safeParse(c.req.param('id'));
    if (!id.success) return c.json({ error: 'not_found', message: 'No such reservation' }, 404);
    const reservation = await deps.inventory.reservations.commit(id.data, `api:${c.get('apiKey').name}`);
    return c.json({ id: reservation.id, status: reservation.status }, 200);
  });

  app.delete('/reservations/:id', async (c) => {
    const id = reservationId.safeParse(c.req.param('id'));
    if (!id.success) return c.json({ error: 'not_found', message: 'No such reservation' }, 404);
    const reservation = await deps.inventory.reservations.release(id.data, `api:${c.get('apiKey').name}`);
    return c.json({ id: reservation.id, status: reservation.status }, 200);
  });

  return app;
}
