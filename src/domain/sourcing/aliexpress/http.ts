import { Agent, type Dispatcher, ProxyAgent, request } from 'undici';
import { AppError, isAppError } from '../../../errors.ts';
import type { Logger } from '../../../logger.ts';
import { isBlockPage } from './extract.ts';

export interface PoliteClientOptions {
  proxyUrl?: string | undefined;
  log: Pick<Logger, 'warn' | 'debug'>;
  /** Pause between two requests, so we stay a polite, slow client. */
  pauseMs?: number;
  timeoutMs?: number;
  retries?: number;
  backoffMs?: number;
}

export interface Fetched {
  status: number;
  body: string;
  setCookies: string[];
}

export interface RequestInit {
  headers: Record<string, string>;
  form?: URLSearchParams;
}

const USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';

/**
 * The one way bodega talks to AliExpress's websites, with undici: one request at a time with a pause
 * between them, timeouts, retries with exponential backoff for network errors, server errors and
 * unreadable answers, and never a retry into a block (that would only deepen it). `HTTP_PROXY_URL`
 * goes through a proxy agent.
 */
export function createPoliteClient(options: PoliteClientOptions) {
  const dispatcher: Dispatcher = options.proxyUrl
    ? new ProxyAgent(options.proxyUrl)
    : new Agent({ keepAliveTimeout: 10_000 });
  const pauseMs = options.pauseMs ?? 2_000;
  const timeoutMs = options.timeoutMs ?? 15_000;
  let queue: Promise<unknown> = Promise.resolve();
  let lastRequestAt = 0;

  /** Runs requests one after another with the pause between them. */
  function paced<T>(work: () => Promise<T>): Promise<T> {
    const run = queue.then(async () => {
      const wait = lastRequestAt + pauseMs - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
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
      ...(init.form ? { method: 'POST' as const, body: init.form.toString() } : {}),
    });
    const cookies = response.headers['set-cookie'];
    return {
      status: response.statusCode,
      body: await response.body.text(),
      setCookies: cookies === undefined ? [] : ([] as string[]).concat(cookies),
    };
  }

  return {
    /** GETs `url` (POSTs `form` when given) and hands the answer to `read`, which parses it or throws; 4xx and blocks are final, the rest is retried. */
    async fetch<T>(url: URL, init: RequestInit, read: (response: Fetched) => T): Promise<T> {
      const retries = options.retries ?? 2;
      for (let attempt = 0; ; attempt++) {
        let final = false;
        try {
          const response = await paced(() => once(url, init));
          // A block page can come with any status; otherwise 4xx will not change on a retry, 5xx may.
          if (response.status >= 400 && !isBlockPage(response.body)) {
            final = response.status < 500;
            throw new AppError('upstream_failed', `AliExpress answered ${response.status}`, { source: 'AliExpress' });
          }
          return read(response);
        } catch (error) {
          final ||= isAppError(error) && error.code === 'upstream_blocked';
          if (final || attempt >= retries) throw asUpstreamError(error);
          const delay = (options.backoffMs ?? 1_000) * 2 ** attempt;
          options.log.warn(
            { err: error, attempt, delayMs: delay, path: url.pathname },
            'aliexpress request failed; retrying',
          );
          await new Promise((resolve) => setTimeout(resolve, delay));
        }
      }
    },
    close: () => dispatcher.close(),
  };
}

function asUpstreamError(error: unknown): AppError {
  if (isAppError(error)) return error;
  return new AppError(
    'upstream_failed',
    `AliExpress could not be reached: ${(error as Error).message}`,
    { source: 'AliExpress' },
    undefined,
    { cause: error },
  );
}

export type PoliteClient = ReturnType<typeof createPoliteClient>;
