// Etsy's webhook deliveries, signed by the Standard Webhooks scheme with the `standardwebhooks` package: headers
// webhook-id, webhook-timestamp (unix seconds) and webhook-signature (`v1,<base64 HMAC-SHA256 of
// "id.timestamp.body">` keyed by the base64 part of the `whsec_` secret). The body is Etsy's flat payload as Etsy
// confirmed it in open-api discussion #1564: {"event_type":"order.paid","resource_url":...,"shop_id":...}, the
// resource_url on Etsy's own host (openapi.etsy.com), so a receiver must take only its path. A retry of a
// delivery keeps its webhook-id and body and signs afresh, as Standard Webhooks retries do.
import { randomBytes, randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { request } from 'undici';
import type { ShopState } from './catalogue.ts';

export const ETSY_PUBLIC_API = 'https://openapi.etsy.com';

export interface WebhookDelivery {
  id: string;
  body: string;
}

export interface SendOptions {
  /** webhook-timestamp; default the fake's clock (an old one tests the receiver's 5-minute window). */
  timestamp?: Date;
  /** Sign with another secret, as a forger would. */
  badSignature?: boolean;
}

export interface SentDelivery {
  delivery: WebhookDelivery;
  headers: Record<string, string>;
  status: number;
  text: string;
}

export interface FakeWebhooks {
  /** The endpoint's signing secret, `whsec_<base64>` (ETSY_WEBHOOK_SECRET). */
  readonly secret: string;
  /** The ORDER_PAID delivery for a receipt (event_type `order.paid` unless `eventType` says otherwise). */
  orderPaid(receiptId: number, options?: { eventType?: string }): WebhookDelivery;
  /** POSTs a delivery to `url` signed now; call again with the same delivery to send it twice. */
  send(url: string, delivery: WebhookDelivery, options?: SendOptions): Promise<SentDelivery>;
  readonly sent: SentDelivery[];
}

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

export function createWebhooks(state: ShopState, secret: string): FakeWebhooks {
  const signer = new Webhook(secret);
  const sent: SentDelivery[] = [];

  return {
    secret,
    sent,
    orderPaid(receiptId, options = {}) {
      if (!state.receipts.has(receiptId)) throw new Error(`no receipt ${receiptId} in the fake shop`);
      const shopId = state.shop.shop_id;
      const body = JSON.stringify({
        event_type: options.eventType ?? 'order.paid',
        resource_url: `${ETSY_PUBLIC_API}/v3/application/shops/${shopId}/receipts/${receiptId}`,
        shop_id: shopId,
      });
      return { id: `msg_${randomUUID().replaceAll('-', '')}`, body };
    },
    async send(url, delivery, options = {}) {
      const timestamp = options.timestamp ?? state.clock.now();
      const key = options.badSignature ? new Webhook(newWebhookSecret()) : signer;
      const headers = {
        'content-type': 'application/json',
        'webhook-id': delivery.id,
        'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
        'webhook-signature': key.sign(delivery.id, timestamp, delivery.body),
      };
      const response = await request(url, { method: 'POST', headers, body: delivery.body });
      const result = { delivery, headers, status: response.statusCode, text: await response.body.text() };
      sent.push(result);
      return result;
    },
  };
}
