// Etsy's OAuth 2.0 authorization-code flow with PKCE, as developers.etsy.com/documentation/essentials/authentication
// and the open-api issue tracker describe it: GET /oauth/connect (www.etsy.com) asks the member to approve, then
// redirects to the app's redirect_uri with `code` and `state`; POST /v3/public/oauth/token (api.etsy.com, form or
// JSON body) trades the code plus the PKCE `code_verifier` for an access token (1 hour) and a refresh token
// (90 days), and trades a refresh token for a new pair — the refresh token rotates, the old one is then refused
// with `invalid_grant` "refresh_token is revoked". Tokens read `<user_id>.<opaque>`. Expired or revoked access
// tokens answer 401 `invalid_token` ("access token is expired"). Codes are single-use and short-lived.
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../../src/clock.ts';
import { etsyError, type FakeAnswer, ok } from './answer.ts';
import { knownScopes } from './spec.ts';

export interface OAuthOptions {
  /** Codes, access and refresh lifetimes in seconds; Etsy's are 3600 (access) and 90 days (refresh). */
  accessTokenTtlSeconds?: number;
  refreshTokenTtlSeconds?: number;
  /** RFC 6749 asks for at most 10 minutes. */
  codeTtlSeconds?: number;
  /** The app's registered callback URLs; when absent any absolute http(s) URL is taken. */
  redirectUris?: string[];
}

export interface TokenSet {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
}

interface Grant {
  userId: number;
  scopes: string[];
  expiresAt: number;
  revoked: boolean;
}

interface Code extends Grant {
  clientId: string;
  redirectUri: string;
  challenge: string;
}

export type Authentication = { userId: number; scopes: string[] } | { refused: FakeAnswer };

/** The OAuth side of the fake, plus the levers a test pulls: who approves, revocation, forced expiry. */
export interface FakeOAuth {
  connect(query: URLSearchParams): FakeAnswer;
  token(params: Record<string, string>): FakeAnswer;
  authenticate(authorization: string | undefined): Authentication;
  /** The member who approves the next /oauth/connect (default: the shop owner). */
  approveAs(userId: number): void;
  /** The next /oauth/connect is declined by the member (`error=access_denied`). */
  denyNext(): void;
  /** Tokens for a member without the browser dance, as if they had approved `scopes`. */
  issueTokens(userId: number, scopes?: string[]): TokenSet;
  /** Every token of the member stops working (Etsy does this when the member changes password or removes the app). */
  revoke(userId: number): void;
  /** Every access token issued so far expires now. */
  expireAccessTokens(): void;
  /** The next `calls` authenticated calls succeed, then every access token issued so far has expired. */
  expireAccessTokensAfter(calls: number): void;
  /** How many token sets were issued, by code or by refresh. */
  readonly issued: number;
}

const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

const opaque = () => randomBytes(48).toString('base64url');

export function createOAuth(
  clock: Clock,
  keystring: string,
  ownerUserId: number,
  options: OAuthOptions = {},
): FakeOAuth {
  const accessTtl = options.accessTokenTtlSeconds ?? 3600;
  const refreshTtl = options.refreshTokenTtlSeconds ?? 90 * 24 * 3600;
  const codeTtl = options.codeTtlSeconds ?? 600;
  const codes = new Map<string, Code & { used: boolean }>();
  const access = new Map<string, Grant>();
  const refresh = new Map<string, Grant>();
  let approver = ownerUserId;
  let deny = false;
  let expireAfter: number | undefined;
  let issued = 0;
  const now = () => clock.now().getTime();

  function issue(userId: number, scopes: string[]): TokenSet {
    const at = now();
    const pair = { access_token: `${userId}.${opaque()}`, refresh_token: `${userId}.${opaque()}` };
    access.set(pair.access_token, { userId, scopes, expiresAt: at + accessTtl * 1000, revoked: false });
    refresh.set(pair.refresh_token, { userId, scopes, expiresAt: at + refreshTtl * 1000, revoked: false });
    issued += 1;
    return {
      access_token: pair.access_token,
      token_type: 'Bearer',
      expires_in: accessTtl,
      refresh_token: pair.refresh_token,
    };
  }

  function redirectUriAllowed(uri: string | null): uri is string {
    if (!uri || !URL.canParse(uri) || !/^https?:$/.test(new URL(uri).protocol)) return false;
    return options.redirectUris === undefined || options.redirectUris.includes(uri);
  }

  /** The member's answer travels back to the app on its redirect_uri, as RFC 6749 §4.1.2 says. */
  function redirect(uri: string, params: Record<string, string>): FakeAnswer {
    const target = new URL(uri);
    for (const [name, value] of Object.entries(params)) target.searchParams.set(name, value);
    return { status: 302, headers: { location: target.toString() } };
  }

  function connectProblem(query: URLSearchParams): [string, string] | undefined {
    if (query.get('response_type') !== 'code') return ['unsupported_response_type', 'response_type must be code'];
    const scopes = (query.get('scope') ?? '').split(' ').filter(Boolean);
    if (scopes.length === 0 || scopes.some((scope) => !knownScopes().includes(scope)))
      return ['invalid_scope', 'scope must list one or more of Etsy’s scopes'];
    if (!query.get('state')) return ['invalid_request', 'state is required'];
    if (!query.get('code_challenge')) return ['invalid_request', 'code_challenge is required'];
    if (query.get('code_challenge_method') !== 'S256') return ['invalid_request', 'code_challenge_method must be S256'];
    return undefined;
  }

  function connect(query: URLSearchParams): FakeAnswer {
    // A wrong app or callback is shown to the member on Etsy's own page: nothing goes back to an unknown URL.
    if (query.get('client_id') !== keystring)
      return { status: 400, text: 'An error occurred. The application could not be found.' };
    const redirectUri = query.get('redirect_uri');
    if (!redirectUriAllowed(redirectUri))
      return { status: 400, text: 'An error occurred. The requested redirect URL is not permitted.' };
    const state = query.get('state') ?? '';
    const problem = connectProblem(query);
    if (problem) return redirect(redirectUri, { error: problem[0], error_description: problem[1], state });
    if (deny) {
      deny = false;
      return redirect(redirectUri, { error: 'access_denied', error_description: 'The user denied the request', state });
    }
    const code = opaque();
    codes.set(code, {
      userId: approver,
      scopes: (query.get('scope') ?? '').split(' ').filter(Boolean),
      expiresAt: now() + codeTtl * 1000,
      revoked: false,
      used: false,
      clientId: keystring,
      redirectUri,
      challenge: query.get('code_challenge') ?? '',
    });
    return redirect(redirectUri, { code, state });
  }

  function exchangeCode(params: Record<string, string>): FakeAnswer {
    if (!params.code) return etsyError(400, 'invalid_request', 'code is required');
    if (!params.redirect_uri) return etsyError(400, 'invalid_request', 'redirect_uri is required');
    if (!params.code_verifier) return etsyError(400, 'invalid_request', 'code_verifier is required');
    const code = codes.get(params.code);
    if (!code) return etsyError(400, 'invalid_grant', 'code is invalid');
    if (code.used) return etsyError(400, 'invalid_grant', 'code has already been used');
    if (now() >= code.expiresAt) return etsyError(400, 'invalid_grant', 'code has expired');
    if (params.redirect_uri !== code.redirectUri)
      return etsyError(400, 'invalid_grant', 'redirect_uri does not match the authorization request');
    const challenge = createHash('sha256').update(params.code_verifier).digest('base64url');
    if (!VERIFIER.test(params.code_verifier) || challenge !== code.challenge)
      return etsyError(400, 'invalid_grant', 'code_verifier is invalid');
    code.used = true;
    return ok(issue(code.userId, code.scopes));
  }

  function rotate(params: Record<string, string>): FakeAnswer {
    if (!params.refresh_token) return etsyError(400, 'invalid_request', 'refresh_token is required');
    const grant = refresh.get(params.refresh_token);
    if (!grant) return etsyError(400, 'invalid_grant', 'refresh_token is invalid');
    if (grant.revoked) return etsyError(400, 'invalid_grant', 'refresh_token is revoked');
    if (now() >= grant.expiresAt) return etsyError(400, 'invalid_grant', 'refresh_token is expired');
    grant.revoked = true;
    return ok(issue(grant.userId, grant.scopes));
  }

  function token(params: Record<string, string>): FakeAnswer {
    if (params.client_id !== keystring) return etsyError(400, 'invalid_client', 'client_id is invalid');
    if (params.grant_type === 'authorization_code') return exchangeCode(params);
    if (params.grant_type === 'refresh_token') return rotate(params);
    return etsyError(400, 'unsupported_grant_type', 'grant_type must be authorization_code or refresh_token');
  }

  function expireAll() {
    const at = now();
    for (const grant of access.values()) grant.expiresAt = Math.min(grant.expiresAt, at);
  }

  function authenticate(authorization: string | undefined): Authentication {
    const refuse = (description: string) => ({ refused: etsyError(401, 'invalid_token', description) });
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match) return refuse('access token is missing');
    const grant = access.get(match[1]!);
    if (!grant || !match[1]!.startsWith(`${grant.userId}.`)) return refuse('access token is invalid');
    if (grant.revoked) return refuse('access token is revoked');
    if (expireAfter !== undefined) {
      if (expireAfter === 0) {
        expireAfter = undefined;
        expireAll();
      } else expireAfter -= 1;
    }
    if (now() >= grant.expiresAt) return refuse('access token is expired');
    return { userId: grant.userId, scopes: grant.scopes };
  }

  return {
    connect,
    token,
    authenticate,
    approveAs: (userId) => {
      approver = userId;
    },
    denyNext: () => {
      deny = true;
    },
    issueTokens: (userId, scopes = knownScopes()) => issue(userId, scopes),
    revoke(userId) {
      for (const grants of [access, refresh])
        for (const grant of grants.values()) if (grant.userId === userId) grant.revoked = true;
    },
    expireAccessTokens: expireAll,
    expireAccessTokensAfter: (calls) => {
      expireAfter = calls;
    },
    get issued() {
      return issued;
    },
  };
}
