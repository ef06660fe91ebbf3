// The Etsy fake's webhook deliveries, received by a plain HTTP server that checks them with the standardwebhooks
// package (as bodega's POST /webhooks/etsy will) and, independently, by recomputing the HMAC by hand.
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEtsyFake, type EtsyFake } from './index.ts';

interface Received {
  headers: Record<string, string>;
  body: string;
  verified: boolean;
}

let fake: EtsyFake;
let receiver: Server;
let endpoint: string;
const received: Received[] = [];

beforeAll(async () => {
  fake = await createEtsyFake({ listings: 5, receipts: 0 });
  const verifier = new Webhook(fake.webhooks.secret);
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = req.headers as Record<string, string>;
      let verified = true;
      try {
        verifier.verify(body, headers);
      } catch {
        verified = false;
      }
      received.push({ headers, body, verified });
      res.writeHead(verified ? 204 : 401).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/etsy`;
});
afterAll(async () => {
  await fake.close();
  await new Promise((resolve) => receiver.close(resolve));
});

/** The signature Standard Webhooks defines, computed without the package. */
function expectedSignature(id: string, timestamp: string, body: string): string {
  const key = Buffer.from(fake.webhooks.secret.slice('whsec_'.length), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

describe('ORDER_PAID deliveries', () => {
  it('are signed so standardwebhooks verifies them, and point at the receipt on Etsy’s host', async () => {
    const receipt = fake.buy({ listingId: fake.listings()[0]!.listing.listing_id });
    const sent = await fake.webhooks.send(endpoint, fake.webhooks.orderPaid(receipt.receipt_id));
    expect(sent.status).toBe(204);
    const got = received.at(-1)!;
    expect(got.verified).toBe(true);
    expect(fake.webhooks.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(got.headers['webhook-signature']).toBe(
      expectedSignature(got.headers['webhook-id']!, got.headers['webhook-timestamp']!, got.body),
    );
    const event = JSON.parse(got.body);
    expect(event).toEqual({
      event_type: 'order.paid',
      resource_url: `https://openapi.etsy.com/v3/application/shops/${fake.shop.shop_id}/receipts/${receipt.receipt_id}`,
      shop_id: fake.shop.shop_id,
    });
    const token = fake.oauth.issueTokens(fake.ownerUserId).access_token;
    const refetch = await request(`${fake.url}${new URL(event.resource_url).pathname}`, {
      headers: { 'x-api-key': fake.apiKey, authorization: `Bearer ${token}` },
    });
    expect(await refetch.body.json()).toMatchObject({ receipt_id: receipt.receipt_id, status: 'Paid' });
  });

  it('can be forged: signed with another secret, standardwebhooks refuses it', async () => {
    const receipt = fake.buy({ listingId: fake.listings()[1]!.listing.listing_id });
    const sent = await fake.webhooks.send(endpoint, fake.webhooks.orderPaid(receipt.receipt_id), {
      badSignature: true,
    });
    expect(sent.status).toBe(401);
    const got = received.at(-1)!;
    expect(got.headers['webhook-signature']).not.toBe(
      expectedSignature(got.headers['webhook-id']!, got.headers['webhook-timestamp']!, got.body),
    );
  });

  it('can be old: correctly signed ten minutes ago, refused by the 5-minute window', async () => {
    const receipt = fake.buy({ listingId: fake.listings()[2]!.listing.listing_id });
    const tenMinutesAgo = new Date(Date.now() - 10 * 60 * 1000);
    const sent = await fake.webhooks.send(endpoint, fake.webhooks.orderPaid(receipt.receipt_id), {
      timestamp: tenMinutesAgo,
    });
    expect(sent.status).toBe(401);
    const got = received.at(-1)!;
    expect(got.headers['webhook-timestamp']).toBe(String(Math.floor(tenMinutesAgo.getTime() / 1000)));
    expect(got.headers['webhook-signature']).toBe(
      expectedSignature(got.headers['webhook-id']!, got.headers['webhook-timestamp']!, got.body),
    );
  });

  it('can arrive twice: the same webhook-id and body, each signed and verified', async () => {
    const receipt = fake.buy({ listingId: fake.listings()[3]!.listing.listing_id });
    const delivery = fake.webhooks.orderPaid(receipt.receipt_id);
    const first = await fake.webhooks.send(endpoint, delivery);
    const second = await fake.webhooks.send(endpoint, delivery);
    expect([first.status, second.status]).toEqual([204, 204]);
    const [a, b] = received.slice(-2);
    expect(b!.headers['webhook-id']).toBe(a!.headers['webhook-id']);
    expect(b!.body).toBe(a!.body);
    expect(fake.webhooks.sent.slice(-2).map((s) => s.delivery.id)).toEqual([delivery.id, delivery.id]);
  });

  it('can carry another event type, which a receiver should acknowledge and ignore', async () => {
    const receipt = fake.buy({ listingId: fake.listings()[4]!.listing.listing_id });
    const delivery = fake.webhooks.orderPaid(receipt.receipt_id, { eventType: 'order.shipped' });
    expect(JSON.parse(delivery.body).event_type).toBe('order.shipped');
    expect((await fake.webhooks.send(endpoint, delivery)).status).toBe(204);
  });
});
