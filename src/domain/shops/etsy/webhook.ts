import { timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
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
 * Checks an Etsy webhook by the Standard Webhooks scheme: the expected `v1,` signature of `id.timestamp.body` comes
 * from the `standardwebhooks` package and is compared in constant time with each one sent, and the timestamp must
 * be within 5 minutes of the injected clock (the package's own check reads Date.now(), so it is not the one used).
 * A bad signature or timestamp is 401; a signed body that is not an Etsy event is 400.
 */
export function verifyEtsyWebhook(secret: string, clock: Clock) {
  const webhook = new Webhook(secret);
  const refused = (reason: string): WebhookCheck => ({ ok: false, status: 401, reason });
  return (body: string, headers: Headers): WebhookCheck => {
    const id = headers.get('webhook-id') ?? '';
    const stamp = headers.get('webhook-timestamp') ?? '';
    const seconds = /^\d{1,12}$/.test(stamp) ? Number(stamp) : Number.NaN;
    if (!id || Number.isNaN(seconds)) return refused('missing or malformed signature headers');
    if (Math.abs(Math.floor(clock.now().getTime() / 1000) - seconds) > TOLERANCE_SECONDS)
      return refused('timestamp outside the tolerance');
    const expected = Buffer.from(webhook.sign(id, new Date(seconds * 1000), body));
    const sent = (headers.get('webhook-signature') ?? '').split(' ').map((signature) => Buffer.from(signature));
    if (!sent.some((given) => given.length === expected.length && timingSafeEqual(given, expected)))
      return refused('bad signature');
    if (id.length > 200) return { ok: false, status: 400, reason: 'bad webhook-id' };
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
