// What the Etsy fake asks of every call before it reaches an operation: the `keystring:shared_secret` API key,
// a bearer token where the spec names an oauth2 scope, and the per-second and per-day rate limits.
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../../src/clock.ts';
import { createEtsyFake, type EtsyFake } from './index.ts';

let fake: EtsyFake;
let clock: ReturnType<typeof manualClock>;
let bearer: string;

async function start(options: Parameters<typeof createEtsyFake>[0] = {}) {
  clock = manualClock('2026-03-01T10:00:00Z');
  fake = await createEtsyFake({ clock, listings: 3, receipts: 2, ...options });
  bearer = `Bearer ${fake.oauth.issueTokens(fake.ownerUserId, ['shops_r', 'listings_r']).access_token}`;
}

async function call(path: string, headers: Record<string, string> = {}) {
  const response = await request(`${fake.url}${path}`, { headers });
  return { status: response.statusCode, headers: response.headers, body: (await response.body.json()) as any };
}

const me = (headers: Record<string, string> = { 'x-api-key': fake.apiKey, authorization: bearer }) =>
  call('/v3/application/users/me', headers);

afterEach(() => fake.close());

describe('the API key', () => {
  beforeEach(() => start());

  it('must be keystring:shared_secret on every call', async () => {
    const shop = `/v3/application/shops/${fake.shop.shop_id}`;
    expect(await call(shop, { 'x-api-key': fake.apiKey })).toMatchObject({
      status: 200,
      body: { shop_id: fake.shop.shop_id },
    });
    expect(await call(shop, { 'x-api-key': fake.keystring })).toMatchObject({
      status: 403,
      body: { error: 'Shared secret is required in x-api-key header.' },
    });
    expect((await call(shop, { 'x-api-key': `${fake.keystring}:wrong` })).status).toBe(403);
    expect((await call(shop)).status).toBe(403);
  });

  it('does not let a token stand in for the key', async () => {
    expect((await me({ authorization: bearer })).status).toBe(403);
  });
});

describe('the bearer token', () => {
  beforeEach(() => start());

  it('is required by operations the spec gives an oauth2 scope', async () => {
    expect(await me({ 'x-api-key': fake.apiKey })).toMatchObject({ status: 401, body: { error: 'invalid_token' } });
    expect(await me({ 'x-api-key': fake.apiKey, authorization: 'Bearer 825776089.forged' })).toMatchObject({
      status: 401,
      body: { error: 'invalid_token' },
    });
    expect((await me()).status).toBe(200);
  });

  it('must carry the scope the operation names', async () => {
    const receipts = await call(`/v3/application/shops/${fake.shop.shop_id}/receipts`, {
      'x-api-key': fake.apiKey,
      authorization: bearer,
    });
    expect(receipts).toMatchObject({ status: 403, body: { error: 'insufficient_scope' } });
  });

  it('must belong to the shop it reads', async () => {
    const stranger = fake.oauth.issueTokens(42_424_242).access_token;
    const listings = await call(`/v3/application/shops/${fake.shop.shop_id}/listings`, {
      'x-api-key': fake.apiKey,
      authorization: `Bearer ${stranger}`,
    });
    expect(listings.status).toBe(403);
  });
});

describe('rate limits', () => {
  it('puts the four limit headers on every answer, counting down', async () => {
    await start();
    const first = await me();
    expect(first.headers).toMatchObject({
      'x-limit-per-second': '10',
      'x-remaining-this-second': '9',
      'x-limit-per-day': '10000',
      'x-remaining-today': '9999',
    });
    const refused = await me({ 'x-api-key': fake.apiKey });
    expect(refused.status).toBe(401);
    expect(refused.headers['x-remaining-this-second']).toBe('8');
  });

  it('answers 429 with retry-after past 10 calls in a second, and serves again a second later', async () => {
    await start();
    const answers = [];
    for (let i = 0; i < 11; i += 1) answers.push(await me());
    expect(answers.slice(0, 10).map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(answers[9]!.headers['x-remaining-this-second']).toBe('0');
    expect(answers[10]).toMatchObject({ status: 429, headers: { 'retry-after': '1', 'x-remaining-this-second': '0' } });
    clock.advance(999);
    expect((await me()).status).toBe(429);
    clock.advance(1);
    expect((await me()).status).toBe(200);
    expect(fake.rateLimit).toMatchObject({ used: 11, refused: 2, peakPerSecond: 10 });
  });

  it('answers 429 once the day is used up, until its oldest calls leave the 24-hour window', async () => {
    await start({ perDay: 3 });
    const shop = () => call(`/v3/application/shops/${fake.shop.shop_id}`, { 'x-api-key': fake.apiKey });
    for (let i = 0; i < 3; i += 1) {
      clock.advance(1000);
      expect((await shop()).status).toBe(200);
    }
    clock.advance(1000);
    const refused = await shop();
    expect(refused).toMatchObject({ status: 429, body: { error: 'Exceeded daily rate limit' } });
    expect(refused.headers['x-remaining-today']).toBe('0');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(20 * 3600);
    clock.advance(Number(refused.headers['retry-after']) * 1000);
    expect((await shop()).status).toBe(200);
  });

  it('answers 429 on demand with the retry-after the test asks for', async () => {
    await start();
    fake.rateLimit.failNext(2, 7);
    expect((await me()).headers['retry-after']).toBe('7');
    expect((await me()).status).toBe(429);
    expect((await me()).status).toBe(200);
    expect(fake.rateLimit.used).toBe(1);
  });

  it('takes a custom per-second budget', async () => {
    await start({ perSecond: 2 });
    expect((await me()).status).toBe(200);
    expect((await me()).status).toBe(200);
    expect((await me()).status).toBe(429);
    expect(fake.calls.map((c) => [c.operationId, c.status])).toEqual([
      ['getMe', 200],
      ['getMe', 200],
      [undefined, 429],
    ]);
  });
});
