import { Agent, request } from 'undici';
import type { Clock } from '../../../clock.ts';
import { AppError, UpstreamError, withoutSecrets } from '../../../errors.ts';
import type { Logger } from '../../../logger.ts';
import { createPace, type Pace } from './pace.ts';

export interface EtsyClientOptions {
  apiBase: string;
  apiKey: string;
  sharedSecret: string;
  clock: Clock;
  log: Pick<Logger, 'warn' | 'debug'>;
  /** Shared by every client of this process (default: a pace of its own at Etsy's 10 a second). */
  pace?: Pace;
  /** Calls of the day kept back: a sync stops rather than spend them (default 100). */
  dailyReserve?: number;
  /** How many 429s in a row one call waits out before failing (default 5). */
  retries?: number;
  timeoutMs?: number;
}

export interface EtsyCall {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** From /v3/..., e.g. `/v3/application/shops/1/listings`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  json?: unknown;
  form?: URLSearchParams;
  /** The OAuth access token, for calls with a scope. */
  token?: string | undefined;
  signal?: AbortSignal | undefined;
}

export interface EtsyAnswer<T = unknown> {
  status: number;
  body: T;
}

/** Etsy refused the access token (expired, revoked): the caller refreshes and tries again. */
export class EtsyTokenRejected extends AppError {
  constructor(readonly call: { method: string; url: string }) {
    super('unauthorized', `Etsy refused the access token (${call.method} ${call.url})`, {}, 'shops.etsyUnauthorized');
    this.name = 'EtsyTokenRejected';
  }
}

/** The day's calls are down to the reserve: a sync stops here with a clear message. */
export class EtsyDailyBudgetSpent extends AppError {
  constructor(remaining: number) {
    super('rate_limited', `Etsy daily budget down to ${remaining} calls`, { remaining }, 'shops.etsyDailyBudget');
    this.name = 'EtsyDailyBudgetSpent';
  }
}

const numberHeader = (value: string | string[] | undefined): number | undefined => {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return undefined;
  const parsed = Number(text);
  return Number.isFinite(parsed) ? parsed : undefined;
};

/**
 * The one way bodega talks to Etsy's Open API v3, with undici: `x-api-key: keystring:secret` on every call,
 * one pace shared across calls (≤10 starts a second, fewer when Etsy says the second is spent), 429s waited
 * out with retry-after, and a daily budget read from x-remaining-today that refuses to spend the reserve.
 * `callsUsed` counts the calls Etsy answered (a sync run records it).
 */
export function createEtsyClient(options: EtsyClientOptions) {
  const dispatcher = new Agent({ keepAliveTimeout: 10_000, connections: 16 });
  const pace = options.pace ?? createPace(options.clock);
  const reserve = options.dailyReserve ?? 100;
  const retries = options.retries ?? 5;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const apiKey = `${options.apiKey}:${options.sharedSecret}`;
  let remainingToday: number | undefined;
  let callsUsed = 0;

  function urlOf(call: EtsyCall): URL {
    const url = new URL(call.path, options.apiBase);
    for (const [name, value] of Object.entries(call.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    return url;
  }

  function headersOf(call: EtsyCall): Record<string, string> {
    const headers: Record<string, string> = { 'x-api-key': apiKey, accept: 'application/json' };
    if (call.token) headers.authorization = `Bearer ${call.token}`;
    if (call.json !== undefined) headers['content-type'] = 'application/json';
    if (call.form) headers['content-type'] = 'application/x-www-form-urlencoded';
    return headers;
  }

  async function once(call: EtsyCall, url: URL) {
    const release = await pace.turn(call.signal);
    const method = call.method ?? 'GET';
    const body = call.json !== undefined ? JSON.stringify(call.json) : call.form?.toString();
    try {
      const response = await request(url, {
        dispatcher,
        method,
        headers: headersOf(call),
        body,
        signal: call.signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      callsUsed += 1;
      pace.observe(numberHeader(response.headers['x-remaining-this-second']));
      remainingToday = numberHeader(response.headers['x-remaining-today']) ?? remainingToday;
      const text = await response.body.text();
      release();
      return { status: response.statusCode, retryAfter: numberHeader(response.headers['retry-after']), text };
    } catch (error) {
      release();
      if (call.signal?.aborted) throw error;
      const where = { method, url: withoutSecrets(url) };
      throw new UpstreamError('upstream_failed', 'Etsy unreachable', where, {}, 'shops.etsyUnreachable', {
        cause: error,
      });
    }
  }

  async function send<T>(call: EtsyCall): Promise<EtsyAnswer<T>> {
    if (remainingToday !== undefined && remainingToday <= reserve) throw new EtsyDailyBudgetSpent(remainingToday);
    const url = urlOf(call);
    const method = call.method ?? 'GET';
    for (let attempt = 0; ; attempt++) {
      const answer = await once(call, url);
      if (answer.status === 429 && attempt < retries) {
        const waitMs = Math.max(1, answer.retryAfter ?? 1) * 1000;
        options.log.warn({ url: withoutSecrets(url), waitMs }, 'etsy: 429, waiting it out');
        pace.holdFor(waitMs);
        continue;
      }
      if (answer.status === 401) throw new EtsyTokenRejected({ method, url: withoutSecrets(url) });
      if (answer.status >= 400) {
        const where = { method, url: withoutSecrets(url), status: answer.status };
        const snippet = answer.text.slice(0, 300);
        throw new UpstreamError(
          'upstream_failed',
          `Etsy answered ${snippet}`,
          where,
          { status: answer.status },
          'shops.etsyFailed',
        );
      }
      return { status: answer.status, body: (answer.text ? JSON.parse(answer.text) : undefined) as T };
    }
  }

  /** Every page of a `{count, results}` list, 100 at a time by offset, as Etsy pages them. */
  async function* pages<T>(call: EtsyCall): AsyncGenerator<T[]> {
    for (let offset = 0; ; offset += 100) {
      const page = await send<{ count: number; results: T[] }>({
        ...call,
        query: { ...call.query, limit: 100, offset },
      });
      yield page.body.results;
      if (page.body.results.length < 100 || offset + 100 >= page.body.count) return;
    }
  }

  return {
    send,
    pages,
    get callsUsed() {
      return callsUsed;
    },
    get remainingToday() {
      return remainingToday;
    },
    close: () => dispatcher.close(),
  };
}

export type EtsyClient = ReturnType<typeof createEtsyClient>;
