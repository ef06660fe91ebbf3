import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { z } from 'zod';
import type { Clock } from '../../../clock.ts';

/** Standard Webhooks allows a delivery this far from now, either way. */
const TOLERANCE_SECONDS = 5 * 60;

const eventSchema = z
  .object({
    event_type: z.string().min(1),
    resource_url: z.string().url().optional(),
    shop_id: z.number().int().optional(),
  })
  .passthrough();

export type WebhookCheck =
  | { ok: true; id: string; event: z.infer<typeof eventSchema> }
  | { ok: false; status: 400 | 401; reason: string };

/**
 * Checks an Etsy webhook by the Standard Webhooks scheme with the `standardwebhooks` package (HMAC-SHA256 of
 * `id.timestamp.body`, compared in constant time), its timestamp within 5 minutes of the injected clock, then
 * parses the body. A bad signature or timestamp is 401; a signed body that is not an Etsy event is 400.
 */
export function verifyEtsyWebhook(secret: string, clock: Clock) {
  const webhook = new Webhook(secret);
  // The package reads Date.now(); bodega's time comes from its clock (tests drive it).
  (webhook as unknown as { verifyTimestamp(header: string): Date }).verifyTimestamp = (header: string) => {
    const timestamp = /^\d{1,12}$/.test(header) ? Number(header) : Number.NaN;
    const now = Math.floor(clock.now().getTime() / 1000);
    if (Number.isNaN(timestamp) || Math.abs(now - timestamp) > TOLERANCE_SECONDS)
      throw new WebhookVerificationError('Message timestamp outside the tolerance');
    return new Date(timestamp * 1000);
  };
  return (body: string, headers: Headers): WebhookCheck => {
    const id = headers.get('webhook-id') ?? '';
    const signed = {
      'webhook-id': id,
      'webhook-timestamp': headers.get('webhook-timestamp') ?? '',
      'webhook-signature': headers.get('webhook-signature') ?? '',
    };
    let payload: unknown;
    try {
      payload = webhook.verify(body, signed, { jsonParse: false });
    } catch (error) {
      return { ok: false, status: 401, reason: error instanceof Error ? error.message : 'bad signature' };
    }
    void payload;
    if (id.length === 0 || id.length > 200) return { ok: false, status: 400, reason: 'bad webhook-id' };
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return { ok: false, status: 400, reason: 'body is not JSON' };
    }
    const event = eventSchema.safeParse(json);
    if (!event.success) return { ok: false, status: 400, reason: 'not an Etsy event' };
    return { ok: true, id, event: event.data };
  };
}
