// The Etsy fake's OAuth 2.0 + PKCE flow, driven the way bodega's client will drive it: undici against
// /oauth/connect (redirects not followed) and /v3/public/oauth/token, then the tokens against the API.
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../../src/clock.ts';
import { createEtsyFake, type EtsyFake, type TokenSet } from './index.ts';

const CALLBACK = 'https://bodega.example/oauth/etsy/callback';
const SCOPES = 'listings_r listings_w transactions_r shops_r';

let fake: EtsyFake;
let clock: ReturnType<typeof manualClock>;

beforeEach(async () => {
  clock = manualClock('2026-03-01T10:00:00Z');
  fake = await createEtsyFake({ clock, listings: 3, receipts: 2, redirectUris: [CALLBACK] });
});
afterEach(() => fake.close());

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

async function connect(params: Record<string, string>) {
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: fake.keystring,
    redirect_uri: CALLBACK,
    scope: SCOPES,
    state: 'st-123',
    code_challenge_method: 'S256',
    ...params,
  });
  const response = await request(`${fake.url}/oauth/connect?${query}`);
  const text = await response.body.text();
  const location = response.headers.location;
  return { status: response.statusCode, text, location: typeof location === 'string' ? new URL(location) : undefined };
}

async function token(params: Record<string, string>, json = false) {
  const body = json ? JSON.stringify(params) : new URLSearchParams(params).toString();
  const response = await request(`${fake.url}/v3/public/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded' },
    body,
  });
  return { status: response.statusCode, body: (await response.body.json()) as any };
}

async function authorize(): Promise<{ code: string; verifier: string }> {
  const { verifier, challenge } = pkce();
  const answer = await connect({ code_challenge: challenge });
  expect(answer.status).toBe(302);
  return { code: answer.location!.searchParams.get('code')!, verifier };
}

const exchange = (code: string, verifier: string) =>
  token({
    grant_type: 'authorization_code',
    client_id: fake.keystring,
    redirect_uri: CALLBACK,
    code,
    code_verifier: verifier,
  });

const refresh = (refreshToken: string) =>
  token({ grant_type: 'refresh_token', client_id: fake.keystring, refresh_token: refreshToken });

async function getMe(accessToken: string) {
  const response = await request(`${fake.url}/v3/application/users/me`, {
    headers: { 'x-api-key': fake.apiKey, authorization: `Bearer ${accessToken}` },
  });
  return { status: response.statusCode, body: (await response.body.json()) as any };
}

describe('the authorization page', () => {
  it('redirects to the callback with a code and the state after the member approves', async () => {
    const answer = await connect({ code_challenge: pkce().challenge });
    expect(answer.status).toBe(302);
    expect(`${answer.location!.origin}${answer.location!.pathname}`).toBe(CALLBACK);
    expect(answer.location!.searchParams.get('state')).toBe('st-123');
    expect(answer.location!.searchParams.get('code')).toMatch(/^[\w-]{40,}$/);
  });

  it('shows an error page and sends nothing back for an unknown app or an unregistered callback', async () => {
    const wrongApp = await connect({ client_id: 'someone-else', code_challenge: pkce().challenge });
    expect(wrongApp).toMatchObject({ status: 400, location: undefined });
    const wrongCallback = await connect({ redirect_uri: 'https://evil.example/cb', code_challenge: pkce().challenge });
    expect(wrongCallback.status).toBe(400);
    expect(wrongCallback.location).toBeUndefined();
    expect(wrongCallback.text).toContain('redirect URL is not permitted');
  });

  it.each([
    [{ code_challenge: '' }, 'invalid_request'],
    [{ code_challenge: pkce().challenge, code_challenge_method: 'plain' }, 'invalid_request'],
    [{ code_challenge: pkce().challenge, scope: 'listings_r everything_w' }, 'invalid_scope'],
    [{ code_challenge: pkce().challenge, response_type: 'token' }, 'unsupported_response_type'],
    [{ code_challenge: pkce().challenge, state: '' }, 'invalid_request'],
  ])(
    'sends the callback an OAuth error for a request without PKCE S256, known scopes or state (%j)',
    async (params, error) => {
      const answer = await connect(params);
      expect(answer.status).toBe(302);
      expect(answer.location!.searchParams.get('error')).toBe(error);
      expect(answer.location!.searchParams.get('code')).toBeNull();
    },
  );

  it('tells the callback when the member declines', async () => {
    fake.oauth.denyNext();
    const answer = await connect({ code_challenge: pkce().challenge });
    expect(answer.location!.searchParams.get('error')).toBe('access_denied');
    expect(answer.location!.searchParams.get('state')).toBe('st-123');
  });
});

describe('the code exchange', () => {
  it('gives Etsy-shaped tokens for the approving member, which then read their shop', async () => {
    const { code, verifier } = await authorize();
    const answer = await exchange(code, verifier);
    expect(answer.status).toBe(200);
    const tokens = answer.body as TokenSet;
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(tokens.access_token.startsWith(`${fake.ownerUserId}.`)).toBe(true);
    expect(tokens.refresh_token.startsWith(`${fake.ownerUserId}.`)).toBe(true);
    expect(await getMe(tokens.access_token)).toEqual({
      status: 200,
      body: { user_id: fake.ownerUserId, shop_id: fake.shop.shop_id },
    });
  });

  it('refuses a wrong code_verifier, and a code used twice', async () => {
    const { code, verifier } = await authorize();
    const wrong = await exchange(code, pkce().verifier);
    expect(wrong).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect((await exchange(code, '')).body).toMatchObject({
      error: 'invalid_request',
      error_description: 'code_verifier is required',
    });
    expect((await exchange(code, verifier)).status).toBe(200);
    expect(await exchange(code, verifier)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('refuses a code after ten minutes', async () => {
    const { code, verifier } = await authorize();
    clock.advance(10 * 60 * 1000);
    expect(await exchange(code, verifier)).toMatchObject({
      status: 400,
      body: { error_description: 'code has expired' },
    });
  });

  it('refuses another redirect_uri or client_id than the authorization used', async () => {
    const { code, verifier } = await authorize();
    const otherCallback = await token({
      grant_type: 'authorization_code',
      client_id: fake.keystring,
      redirect_uri: 'https://bodega.example/other',
      code,
      code_verifier: verifier,
    });
    expect(otherCallback.body.error).toBe('invalid_grant');
    expect((await token({ grant_type: 'authorization_code', client_id: 'nope', code })).body.error).toBe(
      'invalid_client',
    );
  });

  it('takes a JSON body as well as a form', async () => {
    const { code, verifier } = await authorize();
    const answer = await token(
      {
        grant_type: 'authorization_code',
        client_id: fake.keystring,
        redirect_uri: CALLBACK,
        code,
        code_verifier: verifier,
      },
      true,
    );
    expect(answer.status).toBe(200);
  });

  it('issues tokens for whichever member approves; one without a shop has none', async () => {
    fake.oauth.approveAs(555_000_111);
    const { code, verifier } = await authorize();
    const tokens = (await exchange(code, verifier)).body as TokenSet;
    expect(tokens.access_token.startsWith('555000111.')).toBe(true);
    expect((await getMe(tokens.access_token)).body).toEqual({ user_id: 555_000_111 });
    const shop = await request(`${fake.url}/v3/application/users/555000111/shops`, {
      headers: { 'x-api-key': fake.apiKey },
    });
    expect(shop.statusCode).toBe(404);
    await shop.body.dump();
  });
});

describe('refresh and expiry', () => {
  async function signIn(): Promise<TokenSet> {
    const { code, verifier } = await authorize();
    return (await exchange(code, verifier)).body;
  }

  it('rotates the refresh token and refuses the old one', async () => {
    const first = await signIn();
    const second = await refresh(first.refresh_token);
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    expect(second.body.access_token).not.toBe(first.access_token);
    expect(await refresh(first.refresh_token)).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'refresh_token is revoked' },
    });
    expect((await refresh(second.body.refresh_token)).status).toBe(200);
  });

  it('expires access tokens after expires_in by the clock; a refresh brings access back', async () => {
    const tokens = await signIn();
    clock.advance(3599 * 1000);
    expect((await getMe(tokens.access_token)).status).toBe(200);
    clock.advance(1000);
    expect(await getMe(tokens.access_token)).toEqual({
      status: 401,
      body: { error: 'invalid_token', error_description: 'access token is expired' },
    });
    const renewed = (await refresh(tokens.refresh_token)).body as TokenSet;
    expect((await getMe(renewed.access_token)).status).toBe(200);
  });

  it('refuses every token of a member whose access was revoked', async () => {
    const tokens = await signIn();
    fake.oauth.revoke(fake.ownerUserId);
    expect((await getMe(tokens.access_token)).body).toMatchObject({ error: 'invalid_token' });
    expect((await refresh(tokens.refresh_token)).body).toMatchObject({ error: 'invalid_grant' });
  });

  it('can let the next calls through and then expire the access token mid-sync', async () => {
    const tokens = await signIn();
    fake.oauth.expireAccessTokensAfter(2);
    expect((await getMe(tokens.access_token)).status).toBe(200);
    expect((await getMe(tokens.access_token)).status).toBe(200);
    expect((await getMe(tokens.access_token)).body).toMatchObject({ error_description: 'access token is expired' });
    const renewed = (await refresh(tokens.refresh_token)).body as TokenSet;
    expect((await getMe(renewed.access_token)).status).toBe(200);
    expect(fake.oauth.issued).toBe(2);
  });

  it('refuses a refresh token after 90 days', async () => {
    const tokens = await signIn();
    clock.advance(90 * 24 * 3600 * 1000);
    expect((await refresh(tokens.refresh_token)).body).toMatchObject({ error_description: 'refresh_token is expired' });
  });
});
