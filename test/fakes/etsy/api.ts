// One call to /v3/application/..., in the order Etsy's gateway takes it: the x-api-key (`keystring:shared_secret`
// since February 2026, else 403), the rate limits (429), the route in Etsy's spec (404; 501 for an operation the
// fake does not serve), the bearer token for operations the spec marks with an oauth2 scope (401 invalid_token;
// 403 for a missing scope), the parameters and body against the spec (400 in Etsy's error shape), then the
// operation itself. Every answer carries the rate-limit headers; every call is recorded for the test.
import type { OpenAPIBackend, Operation } from 'openapi-backend';
import { etsyError, type FakeAnswer } from './answer.ts';
import type { ShopState } from './catalogue.ts';
import type { FakeOAuth } from './oauth.ts';
import type { RateLimiter } from './rate-limit.ts';
import { routes } from './routes.ts';
import { requiredScopes } from './spec.ts';

export interface FakeCall {
  method: string;
  path: string;
  /** The query string as sent, without `?`. */
  query: string;
  operationId?: string;
  status: number;
  /** The fake's clock when the call arrived (ms). */
  at: number;
  /** The member whose token came with the call. */
  userId?: number;
}

export interface ApiRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: string;
}

export interface ApiDeps {
  backend: OpenAPIBackend;
  state: ShopState;
  oauth: FakeOAuth;
  rate: RateLimiter;
  keystring: string;
  sharedSecret: string;
  applicationId: number;
}

function apiKeyProblem(header: string | null, keystring: string, secret: string): FakeAnswer | undefined {
  if (!header) return etsyError(403, 'Missing x-api-key header.');
  const separator = header.indexOf(':');
  if (separator === -1) return etsyError(403, 'Shared secret is required in x-api-key header.');
  if (header.slice(0, separator) !== keystring || header.slice(separator + 1) !== secret)
    return etsyError(403, 'Invalid API key.');
  return undefined;
}

/** The query as openapi-backend reads it; array parameters also take Etsy's comma form (`includes=Inventory,Shop`). */
function queryObject(url: URL, operation: Operation | undefined): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const name of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(name);
    const parameter = operation?.parameters?.find((p: any) => p.name === name && p.in === 'query') as any;
    if (parameter?.schema?.type === 'array') query[name] = values.flatMap((value) => value.split(','));
    else query[name] = values.length === 1 ? values[0]! : values;
  }
  return query;
}

/** An ajv error in the words Etsy uses for a bad input: "There was a problem with <where> : <what>". */
function validationAnswer(errors: Array<{ instancePath: string; message?: string; params: any }>): FakeAnswer {
  const first = errors[0]!;
  const where = first.instancePath.replace(/^\/(requestBody|query|path)/, '') || '/';
  const extra = first.params?.additionalProperty
    ? ` (${first.params.additionalProperty})`
    : first.params?.allowedValues
      ? ` (${first.params.allowedValues.join(', ')})`
      : '';
  return etsyError(400, `There was a problem with ${where} : ${first.message ?? 'is invalid'}${extra}`);
}

function parseBody(request: ApiRequest): { body: unknown } | { refused: FakeAnswer } {
  if (request.body === '') return { body: undefined };
  try {
    return { body: JSON.parse(request.body) };
  } catch {
    return { refused: etsyError(400, 'The request body is not valid JSON.') };
  }
}

function authorize(deps: ApiDeps, operation: Operation, header: string | null) {
  const scopes = requiredScopes(operation);
  if (!scopes && !header) return { userId: undefined };
  const member = deps.oauth.authenticate(header ?? undefined);
  if ('refused' in member) return member;
  const missing = (scopes ?? []).filter((scope) => !member.scopes.includes(scope));
  if (missing.length > 0)
    return { refused: etsyError(403, 'insufficient_scope', `the access token lacks ${missing.join(' ')}`) };
  return { userId: member.userId };
}

/** Everything after the key and the rate limit: route, token, validation, operation. */
function serve(deps: ApiDeps, request: ApiRequest, call: FakeCall): FakeAnswer {
  const probe = { method: request.method, path: request.url.pathname, query: {}, headers: {} };
  const operation = deps.backend.router.matchOperation(probe);
  if (!operation) return etsyError(404, `No route matches ${request.method} ${request.url.pathname}`);
  call.operationId = operation.operationId;
  const route = routes[operation.operationId ?? ''];
  if (!route) return etsyError(501, `The Etsy fake does not serve ${operation.operationId}`);
  const member = authorize(deps, operation, request.headers.get('authorization'));
  if ('refused' in member) return member.refused;
  if (member.userId !== undefined) call.userId = member.userId;
  const parsed = parseBody(request);
  if ('refused' in parsed) return parsed.refused;
  const headers = Object.fromEntries(request.headers);
  const query = queryObject(request.url, operation);
  const checked = deps.backend.validator.validateRequest(
    { method: request.method, path: request.url.pathname, query, headers, body: parsed.body as any },
    operation,
  );
  if (!checked.valid) return validationAnswer(checked.errors ?? []);
  return route({
    state: deps.state,
    params: checked.coerced?.params ?? {},
    query: (checked.coerced?.query ?? {}) as Record<string, any>,
    body: parsed.body,
    ...(member.userId === undefined ? {} : { userId: member.userId }),
    applicationId: deps.applicationId,
  });
}

/** Answers one /v3/application call and records it in `calls`. */
export function handleApiCall(deps: ApiDeps, request: ApiRequest, calls: FakeCall[]): FakeAnswer {
  const call: FakeCall = {
    method: request.method,
    path: request.url.pathname,
    query: request.url.search.slice(1),
    status: 0,
    at: deps.state.clock.now().getTime(),
  };
  calls.push(call);
  const keyProblem = apiKeyProblem(request.headers.get('x-api-key'), deps.keystring, deps.sharedSecret);
  const decision = keyProblem ? undefined : deps.rate.take();
  let answer: FakeAnswer;
  if (keyProblem) answer = keyProblem;
  else if (decision && !decision.ok) answer = etsyError(429, decision.error);
  else answer = serve(deps, request, call);
  answer.headers = { ...answer.headers, ...(decision?.headers ?? deps.rate.headers()) };
  call.status = answer.status;
  return answer;
}
