import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, type Dispatcher, ProxyAgent, request } from 'undici';
import { type AppError, isAppError, type UpstreamCall, UpstreamError, withoutSecrets } from '../../../errors.ts';
import type { Logger } from '../../../logger.ts';
import { isBlockPage } from './extract.ts';
import { classifyNetworkError, isOnline } from './network.ts';

export interface PoliteClientOptions {
  proxyUrl?: string | undefined;
  log: Pick<Logger, 'warn' | 'debug'>;
  /** Pause between two requests, so we stay a polite, slow client. */
  pauseMs?: number;
  timeoutMs?: number;
  retries?: number;
  backoffMs?: number;
  /** Whether this machine reaches the internet at all; asked when a name does not resolve (tests answer it). */
  online?: () => Promise<boolean>;
}

export interface Fetched {
  status: number;
  body: string;
  setCookies: string[];
}

export interface RequestInit {
  headers: Record<string, string>;
  form?: URLSearchParams;
  /** The task's cancellation: stops the request, the pause before it and any backoff sleep. */
  signal?: AbortSignal | undefined;
}

const USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';

/**
 * The one way bodega talks to AliExpress's websites, with undici: one request at a time with a pause
 * between them, timeouts, retries with exponential backoff for timeouts, server errors and unreadable
 * answers, and never a retry into a block, an offline machine or a refusing proxy (those will not change
 * in seconds). `HTTP_PROXY_URL` goes through a proxy agent. Every failure is an UpstreamError naming the
 * call (method, URL without query) and what came back, with a reason a seller can act on.
 */
export function createPoliteClient(options: PoliteClientOptions) {
  const dispatcher: Dispatcher = options.proxyUrl
    ? new ProxyAgent(options.proxyUrl)
    : new Agent({ keepAliveTimeout: 10_000 });
  const pauseMs = options.pauseMs ?? 2_000;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const online = options.online ?? isOnline;
  let queue: Promise<unknown> = Promise.resolve();
  let lastRequestAt = 0;

  /** Runs requests one after another with the pause between them. */
  function paced<T>(work: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    const run = queue.then(async () => {
      signal?.throwIfAborted();
      const wait = lastRequestAt + pauseMs - Date.now();
      if (wait > 0) await sleep(wait, undefined, { signal });
      try {
        return await work();
      } finally {
        lastRequestAt = Date.now();
      }
    });
    queue = run.catch(() => undefined);
    return run;
  }

  async function once(url: URL, init: RequestInit): Promise<Fetched> {
    const headers = {
      'user-agent': USER_AGENT,
      ...init.headers,
      ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' } : {}),
    };
    const response = await request(url, {
      dispatcher,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      headers,
      signal: init.signal,
      ...(init.form ? { method: 'POST' as const, body: init.form.toString() } : {}),
    });
    const cookies = response.headers['set-cookie'];
    return {
      status: response.statusCode,
      body: await response.body.text(),
      setCookies: cookies === undefined ? [] : ([] as string[]).concat(cookies),
    };
  }

  /** One attempt: the answer read by `read`, or an UpstreamError naming the call; `final` when retrying cannot help. */
  async function attempt<T>(url: URL, init: RequestInit, read: (response: Fetched) => T, call: UpstreamCall) {
    let response: Fetched;
    try {
      response = await paced(() => once(url, init), init.signal);
    } catch (error) {
      init.signal?.throwIfAborted();
      const failure = await classifyNetworkError(error, { proxied: Boolean(options.proxyUrl), online });
      throw new UpstreamError('upstream_failed', failure.message, call, { source: 'AliExpress' }, failure.reason, {
        cause: error,
      });
    }
    const answered = { ...call, status: response.status };
    // A block page can come with any status; otherwise 4xx will not change on a retry, 5xx may.
    if (response.status >= 400 && !isBlockPage(response.body)) {
      throw new UpstreamError(
        'upstream_failed',
        `AliExpress answered ${response.status}`,
        answered,
        { source: 'AliExpress', status: String(response.status) },
        'error.upstream_status',
      );
    }
    try {
      return read(response);
    } catch (error) {
      if (!isAppError(error)) throw error;
      throw new UpstreamError(
        error.code === 'upstream_blocked' ? 'upstream_blocked' : 'upstream_failed',
        error.message,
        answered,
        error.details,
        error.reason,
        { cause: error },
      );
    }
  }

  return {
    /** GETs `url` (POSTs `form` when given) and hands the answer to `read`, which parses it or throws. */
    async fetch<T>(url: URL, init: RequestInit, read: (response: Fetched) => T): Promise<T> {
      const retries = options.retries ?? 2;
      const call: UpstreamCall = { method: init.form ? 'POST' : 'GET', url: withoutSecrets(url) };
      for (let tries = 0; ; tries++) {
        try {
          return await attempt(url, init, read, call);
        } catch (error) {
          if (!(error instanceof UpstreamError) || !retryable(error) || tries >= retries) throw error;
          const delay = (options.backoffMs ?? 1_000) * 2 ** tries;
          options.log.warn(
            { err: error, attempt: tries, delayMs: delay, call: error.call },
            'aliexpress request failed; retrying',
          );
          await sleep(delay, undefined, { signal: init.signal });
        }
      }
    },
    close: () => dispatcher.close(),
  };
}

/** Timeouts, server errors and unreadable answers may pass; blocks, 4xx, no network and proxy refusals will not. */
function retryable(error: AppError): boolean {
  if (error.code === 'upstream_blocked') return false;
  if (error.reason === 'error.upstream_status') return Number(error.details.status) >= 500;
  return !['error.upstream_offline', 'error.upstream_dns', 'error.upstream_proxy'].includes(error.reason);
}

export type PoliteClient = ReturnType<typeof createPoliteClient>;
