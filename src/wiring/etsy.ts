import type { Db } from '../../db/client.ts';
import { type InboundProcessor, recordUpdate } from '../chat/inbound.ts';
import { readBody } from '../chat/webhook-body.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Core } from '../core.ts';
import { verifyEtsyWebhook } from '../domain/shops/index.ts';
import type { Logger } from '../logger.ts';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const ORDER_PAID = /^order[._]paid$/i;

/**
 * `POST /webhooks/etsy`: the Standard Webhooks signature is checked before anything else (401), the delivery is
 * recorded under its webhook-id (a redelivery is acknowledged and dropped), and ORDER_PAID is handed to the
 * inbound worker, which re-reads the receipt from ETSY_API_BASE and records the sale. Answers at once.
 */
export function etsyWebhook(options: { secret: string; db: Db; clock: Clock; log: Logger; wake: () => void }) {
  const verify = verifyEtsyWebhook(options.secret, options.clock);
  return async (request: Request): Promise<Response> => {
    const body = await readBody(request);
    if (!body.ok) return json(body.status, { error: body.error });
    const check = verify(Buffer.from(body.value).toString('utf8'), request.headers);
    if (!check.ok) {
      options.log.warn({ reason: check.reason }, 'etsy webhook refused');
      return json(check.status, { error: check.status === 401 ? 'bad_signature' : 'invalid_body' });
    }
    const { event } = check;
    if (!ORDER_PAID.test(event.event_type)) return json(200, { ok: true, ignored: event.event_type.slice(0, 40) });
    if (!event.resource_url || event.shop_id === undefined) return json(400, { error: 'invalid_body' });
    // Only the path is kept: the receipt is always read from ETSY_API_BASE, never from the host the body names.
    const path = new URL(event.resource_url).pathname;
    const fresh = await recordUpdate(options.db, {
      platform: 'etsy',
      updateId: check.id,
      chatKey: '',
      payload: { shopId: event.shop_id, path },
    });
    if (fresh) options.wake();
    return json(200, { ok: true, duplicate: !fresh });
  };
}

/** Runs recorded ORDER_PAID deliveries: the receipt becomes a sale once; Etsy being away retries the delivery. */
export function etsyProcessor(core: Core, log: Logger): InboundProcessor {
  return {
    platform: 'etsy',
    async process({ updateId, payload }) {
      const { shopId, path } = payload as { shopId: number; path: string };
      const outcome = await core.services.shops.orderPaid(shopId, path);
      log.info({ updateId, shopId, outcome }, 'etsy order.paid handled');
      return undefined;
    },
  };
}

/** The Etsy webhook and its processor when Etsy and its webhook secret are configured. */
export function etsyWiring(config: Config) {
  return config.etsy?.webhookSecret ? { secret: config.etsy.webhookSecret } : undefined;
}
