// The Etsy client against the Etsy fake (a real HTTP server validating Etsy's own spec): the key header,
// pages of 100 by offset, the shared pace, 429s waited out, the daily reserve kept, a refused token named.
import { afterEach, describe, expect, it } from 'vitest';
import { createEtsyFake, type EtsyFake } from '../../../../test/fakes/etsy/index.ts';
import { manualClock } from '../../../clock.ts';
import { t } from '../../../i18n/index.ts';
import { createLogger } from '../../../logger.ts';
import { createEtsyClient, EtsyDailyBudgetSpent, EtsyTokenRejected } from './client.ts';

const log = createLogger({ level: 'silent', pretty: false });
let fake: EtsyFake;
let client: ReturnType<typeof createEtsyClient>;

async function start(options: Parameters<typeof createEtsyFake>[0] = {}, dailyReserve = 100) {
  const clock = manualClock('2026-03-01T10:00:00Z');
  fake = await createEtsyFake({ clock, receipts: 2, ...options });
  client = createEtsyClient({
    apiBase: fake.url,
    apiKey: fake.keystring,
    sharedSecret: fake.sharedSecret,
    clock,
    log,
    dailyReserve,
  });
  const token = fake.oauth.issueTokens(fake.ownerUserId, ['shops_r', 'listings_r']).access_token;
  return { clock, token };
}

afterEach(async () => {
  await client?.close();
  await fake?.close();
});

const listingsPath = () => `/v3/application/shops/${fake.shop.shop_id}/listings`;

describe('the Etsy client', () => {
  it('reads 250 listings with their inventory in three pages of 100, never over 10 calls a second', async () => {
    const { token } = await start({ listings: 250 });
    const seen: any[] = [];
    for await (const page of client.pages<any>({ path: listingsPath(), query: { includes: 'Inventory' }, token })) {
      seen.push(...page);
    }
    expect(seen).toHaveLength(250);
    expect(new Set(seen.map((listing) => listing.listing_id)).size).toBe(250);
    expect(seen[0].inventory.products.length).toBeGreaterThan(0);
    expect(fake.calls.map((call) => new URLSearchParams(call.query).get('offset'))).toEqual(['0', '100', '200']);
    expect(client.callsUsed).toBe(3);
    expect(fake.rateLimit.peakPerSecond).toBeLessThanOrEqual(10);
  });

  it('keeps under Etsy’s 10 a second when many calls start at once', async () => {
    const { token } = await start({ listings: 1 });
    const path = `/v3/application/shops/${fake.shop.shop_id}`;
    await Promise.all(Array.from({ length: 35 }, () => client.send({ path, token })));
    expect(fake.rateLimit.refused).toBe(0);
    expect(fake.rateLimit.peakPerSecond).toBeLessThanOrEqual(10);
    expect(client.callsUsed).toBe(35);
  });

  it('waits out a 429 for its retry-after and gets the answer', async () => {
    const { clock, token } = await start({ listings: 1 });
    fake.rateLimit.failNext(2, 3);
    const before = clock.now().getTime();
    const answer = await client.send<any>({ path: `/v3/application/shops/${fake.shop.shop_id}`, token });
    expect(answer.body.shop_id).toBe(fake.shop.shop_id);
    expect(fake.rateLimit.refused).toBe(2);
    expect(clock.now().getTime() - before).toBeGreaterThanOrEqual(6000);
  });

  it('stops before spending the day’s reserve, with a message the seller understands', async () => {
    const { token } = await start({ listings: 1, perDay: 104 }, 100);
    const path = `/v3/application/shops/${fake.shop.shop_id}`;
    for (let i = 0; i < 4; i++) await client.send({ path, token });
    const error = await client.send({ path, token }).catch((caught) => caught);
    expect(error).toBeInstanceOf(EtsyDailyBudgetSpent);
    expect(fake.rateLimit.used).toBe(4);
    expect(t('es', error.reason, error.details)).toContain('quedan 100 llamadas');
    expect(t('en', error.reason, error.details)).toContain('100 of today');
  });

  it('sends keystring:secret (a wrong secret is Etsy’s 403, not a token problem)', async () => {
    const { token } = await start({ listings: 1 });
    const wrong = createEtsyClient({
      apiBase: fake.url,
      apiKey: fake.keystring,
      sharedSecret: 'not-the-secret',
      clock: manualClock(),
      log,
    });
    const error = await wrong.send({ path: listingsPath(), token }).catch((caught) => caught);
    await wrong.close();
    expect(error.details).toEqual({ status: 403 });
  });

  it('names a refused access token so the caller can refresh', async () => {
    const { token } = await start({ listings: 1 });
    fake.oauth.expireAccessTokens();
    const error = await client.send({ path: listingsPath(), token }).catch((caught) => caught);
    expect(error).toBeInstanceOf(EtsyTokenRejected);
  });
});
