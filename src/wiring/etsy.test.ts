// POST /webhooks/etsy over a real database: signed deliveries are kept once per webhook-id with only the receipt's
// path; forged, stale, oversized and unknown ones change nothing.
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { rawRows } from '../../db/raw.ts';
import { useTestDatabase } from '../../test/helpers/database.ts';
import { manualClock } from '../clock.ts';
import { createLogger } from '../logger.ts';
import { etsyWebhook } from './etsy.ts';

const database = useTestDatabase();
const secret = `whsec_${randomBytes(32).toString('base64')}`;
const clock = manualClock('2026-03-01T10:00:00Z');
let woken = 0;
const handler = () =>
  etsyWebhook({
    secret,
    db: database().db,
    clock,
    log: createLogger({ level: 'silent', pretty: false }),
    wake: () => {
      woken += 1;
    },
  });

function delivery(body: string, options: { id?: string; at?: Date; key?: string } = {}) {
  const id = options.id ?? `msg_${randomBytes(8).toString('hex')}`;
  const at = options.at ?? clock.now();
  return new Request('http://bodega/webhooks/etsy', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(options.key ?? secret).sign(id, at, body),
    },
    body,
  });
}

const paid = (receipt: number, host = 'https://openapi.etsy.com') =>
  JSON.stringify({
    event_type: 'order.paid',
    resource_url: `${host}/v3/application/shops/41234567/receipts/${receipt}`,
    shop_id: 41234567,
  });

const recorded = () =>
  rawRows<{ update_id: string; payload: { shopId: number; path: string } }>(
    database().db,
    sql`select update_id, payload from inbound_updates where platform = 'etsy' order by seq`,
  );

describe('POST /webhooks/etsy', () => {
  it('keeps a signed ORDER_PAID once, with only the path of its resource_url', async () => {
    const body = paid(1, 'https://evil.example');
    const first = await handler()(delivery(body, { id: 'msg_once' }));
    const again = await handler()(delivery(body, { id: 'msg_once' }));
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(await again.json()).toMatchObject({ duplicate: true });
    expect(await recorded()).toEqual([
      { update_id: 'msg_once', payload: { shopId: 41234567, path: '/v3/application/shops/41234567/receipts/1' } },
    ]);
    expect(woken).toBe(1);
  });

  it('refuses a forged, a stale and an oversized delivery, and ignores an unknown event, keeping nothing', async () => {
    const forged = await handler()(delivery(paid(2), { key: `whsec_${randomBytes(32).toString('base64')}` }));
    const stale = await handler()(delivery(paid(3), { at: new Date(clock.now().getTime() - 10 * 60 * 1000) }));
    const huge = await handler()(delivery(JSON.stringify({ event_type: 'order.paid', pad: 'x'.repeat(70_000) })));
    const other = await handler()(delivery(JSON.stringify({ event_type: 'listing.updated', shop_id: 1 })));
    expect([forged.status, stale.status, huge.status, other.status]).toEqual([401, 401, 413, 200]);
    expect(await recorded()).toHaveLength(1);
  });

  it('answers 400 for a signed ORDER_PAID without its receipt', async () => {
    const answer = await handler()(delivery(JSON.stringify({ event_type: 'order.paid' })));
    expect(answer.status).toBe(400);
    expect(await recorded()).toHaveLength(1);
  });
});
