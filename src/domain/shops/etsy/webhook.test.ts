// The Etsy webhook check: Standard Webhooks signatures made by the `standardwebhooks` package, the timestamp
// within 5 minutes of bodega's clock, and the body parsed only once the signature holds.
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../../clock.ts';
import { verifyEtsyWebhook } from './webhook.ts';

const secret = `whsec_${randomBytes(32).toString('base64')}`;
const clock = manualClock('2026-03-01T10:00:00Z');
const check = verifyEtsyWebhook(secret, clock);
const body = JSON.stringify({
  event_type: 'order.paid',
  resource_url: 'https://openapi.etsy.com/v3/application/shops/1/receipts/2',
  shop_id: 1,
});

function headers(at: Date, text = body, key = secret) {
  return new Headers({
    'webhook-id': 'msg_1',
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(key).sign('msg_1', at, text),
  });
}

describe('the Etsy webhook signature', () => {
  it('takes a delivery signed with the secret now', () => {
    expect(check(body, headers(clock.now()))).toMatchObject({ ok: true, id: 'msg_1', event: { shop_id: 1 } });
  });

  it('refuses another secret, a changed body and a missing signature with 401', () => {
    const forged = headers(clock.now(), body, `whsec_${randomBytes(32).toString('base64')}`);
    expect(check(body, forged)).toMatchObject({ ok: false, status: 401 });
    expect(check(body.replace('"shop_id":1', '"shop_id":9'), headers(clock.now()))).toMatchObject({ status: 401 });
    const bare = headers(clock.now());
    bare.delete('webhook-signature');
    expect(check(body, bare)).toMatchObject({ ok: false, status: 401 });
  });

  it('refuses a timestamp more than 5 minutes away, by bodega’s clock', () => {
    const old = new Date(clock.now().getTime() - 6 * 60 * 1000);
    expect(check(body, headers(old))).toMatchObject({ ok: false, status: 401 });
    const soon = new Date(clock.now().getTime() + 4 * 60 * 1000);
    expect(check(body, headers(soon))).toMatchObject({ ok: true });
    const late = new Date(clock.now().getTime() + 6 * 60 * 1000);
    expect(check(body, headers(late))).toMatchObject({ ok: false, status: 401 });
  });

  it('answers 400 for a signed body that is not an Etsy event', () => {
    expect(check('[1,2]', headers(clock.now(), '[1,2]'))).toMatchObject({ ok: false, status: 400 });
    expect(check('not json', headers(clock.now(), 'not json'))).toMatchObject({ ok: false, status: 400 });
  });
});
