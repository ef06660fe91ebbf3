import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { AppError, UpstreamError } from '../../../errors.ts';
import type { EtsyClient } from './client.ts';

/** What bodega asks the seller to allow: read and write listings (stock back to Etsy), read orders and the shop. */
export const ETSY_SCOPES = ['listings_r', 'listings_w', 'transactions_r', 'shops_r'] as const;

const tokenAnswer = z.object({
  access_token: z.string().min(10),
  refresh_token: z.string().min(10),
  expires_in: z.number().int().positive(),
  token_type: z.string().optional(),
});

export type EtsyTokens = z.infer<typeof tokenAnswer>;

/** Etsy refused the refresh token (revoked, expired, already rotated): the seller must connect again. */
export class EtsyGrantRefused extends AppError {
  constructor() {
    super('unauthorized', 'Etsy refused the refresh token', {}, 'shops.etsyUnauthorized');
    this.name = 'EtsyGrantRefused';
  }
}

/** A PKCE pair (RFC 7636): a 64-character verifier and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The page on Etsy where the seller approves bodega. */
export function authorizationUrl(options: {
  oauthBase: string;
  clientId: string;
  redirectUri: string;
  state: string;
  challenge: string;
}): string {
  const url = new URL('/oauth/connect', options.oauthBase);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: options.clientId,
    redirect_uri: options.redirectUri,
    scope: ETSY_SCOPES.join(' '),
    state: options.state,
    code_challenge: options.challenge,
    code_challenge_method: 'S256',
  }).toString();
  return url.toString();
}

async function tokenCall(client: EtsyClient, form: Record<string, string>): Promise<EtsyTokens> {
  try {
    const answer = await client.send<unknown>({
      method: 'POST',
      path: '/v3/public/oauth/token',
      form: new URLSearchParams(form),
    });
    return tokenAnswer.parse(answer.body);
  } catch (error) {
    const refused =
      error instanceof UpstreamError && error.details.status === 400 && /invalid_grant/.test(error.message);
    if (refused && form.grant_type === 'refresh_token') throw new EtsyGrantRefused();
    throw error;
  }
}

/** Trades the code Etsy sent to the callback, with the PKCE verifier, for the first token pair. */
export function exchangeCode(
  client: EtsyClient,
  clientId: string,
  grant: { code: string; verifier: string; redirectUri: string },
): Promise<EtsyTokens> {
  return tokenCall(client, {
    grant_type: 'authorization_code',
    client_id: clientId,
    redirect_uri: grant.redirectUri,
    code: grant.code,
    code_verifier: grant.verifier,
  });
}

/** A new pair for a refresh token; Etsy rotates refresh tokens, so the answer's one must be kept. */
export function refreshTokens(client: EtsyClient, clientId: string, refreshToken: string): Promise<EtsyTokens> {
  return tokenCall(client, { grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken });
}

/** The member behind a token (its id starts the token) and their shop's id and name. */
export async function shopOfToken(
  client: EtsyClient,
  token: string,
): Promise<{ memberId: number; shopId: number; shopName: string }> {
  const me = z
    .object({ user_id: z.number().int(), shop_id: z.number().int().optional() })
    .parse((await client.send({ path: '/v3/application/users/me', token })).body);
  if (me.shop_id === undefined) throw new AppError('not_found', 'This Etsy member has no shop', {}, 'shops.noShop');
  const shop = z
    .object({ shop_id: z.number().int(), shop_name: z.string().min(1) })
    .parse((await client.send({ path: `/v3/application/shops/${me.shop_id}`, token })).body);
  return { memberId: me.user_id, shopId: shop.shop_id, shopName: shop.shop_name };
}
