import { Agent, ProxyAgent, request, type Dispatcher } from 'undici';
import { AppError, isAppError } from '../../../errors.ts';
import type { Logger } from '../../../logger.ts';
import { parseSearchPage, type SupplierItem } from './parse.ts';

export type SortOrder = 'price' | 'orders' | 'rating';

export interface PageQuery {
  words: string;
  page?: number;
  locale: 'es' | 'en';
  currency: string;
  /** Two-letter country the prices and shipping are for. */
  shipTo: string;
  sort?: SortOrder | undefined;
}

export interface SearchPagesOptions {
  baseUrl: string;
  proxyUrl?: string | undefined;
  log: Pick<Logger, 'warn' | 'debug'>;
  /** Pause between two requests to the site, so we stay a polite, slow client. */
  pauseMs?: number;
  timeoutMs?: number;
  retries?: number;
  backoffMs?: number;
}

const SORT: Record<SortOrder, string> = { price: 'price_asc', orders: 'total_tranpro_desc', rating: 'default' };
const SITE_LOCALE = { es: { site: 'esp', locale: 'es_ES', accept: 'es-MX,es;q=0.9,en;q=0.6' }, en: { site: 'glo', locale: 'en_US', accept: 'en-US,en;q=0.9' } };
const USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';

/**
 * Fetches AliExpress search pages with undici: one request at a time with a pause between them,
 * timeouts, retries with exponential backoff for network and server errors, and never a retry
 * into a block page (that would only deepen the block). Results are parsed, never invented.
 */
export function createSearchPages(options: SearchPagesOptions) {
  const dispatcher: Dispatcher = options.proxyUrl ? new ProxyAgent(options.proxyUrl) : new Agent({ keepAliveTimeout: 10_000 });
  const pauseMs = options.pauseMs ?? 2_000;
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

  async function fetchOnce(url: URL, query: PageQuery): Promise<{ status: number; body: string }> {
    const site = SITE_LOCALE[query.locale];
    const response = await request(url, {
      dispatcher,
      headersTimeout: options.timeoutMs ?? 15_000,
      bodyTimeout: options.timeoutMs ?? 15_000,
      headers: {
        'user-agent': USER_AGENT,
        accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
        'accept-language': site.accept,
        cookie: `aep_usuc_f=site=${site.site}&c_tp=${query.currency}&region=${query.shipTo}&b_locale=${site.locale}; intl_locale=${site.locale}`,
      },
    });
    return { status: response.statusCode, body: await response.body.text() };
  }

  return {
    /** One page of results for the words, parsed; throws upstream_blocked or upstream_failed. */
    async search(query: PageQuery): Promise<SupplierItem[]> {
      const slug = query.words.trim().toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '') || 'items';
      const url = new URL(`/w/wholesale-${encodeURIComponent(slug)}.html`, options.baseUrl);
      url.searchParams.set('SearchText', query.words);
      url.searchParams.set('page', String(query.page ?? 1));
      url.searchParams.set('g', 'y');
      if (query.sort) url.searchParams.set('SortType', SORT[query.sort]);
      const retries = options.retries ?? 2;
      for (let attempt = 0; ; attempt++) {
        let final = false;
        try {
          const { status, body } = await paced(() => fetchOnce(url, query));
          // A block page can come with any status; otherwise 4xx will not change on a retry, 5xx may.
          if (status >= 400 && !/punish|captcha/i.test(body)) {
            final = status < 500;
            throw new AppError('upstream_failed', `AliExpress answered ${status}`, { source: 'AliExpress' });
          }
          return parseSearchPage(body);
        } catch (error) {
          final ||= isAppError(error) && error.code === 'upstream_blocked';
          if (final || attempt >= retries) throw asUpstreamError(error);
          const delay = (options.backoffMs ?? 1_000) * 2 ** attempt;
          options.log.warn({ err: error, attempt, delayMs: delay }, 'aliexpress search failed; retrying');
          await new Promise((resolve) => setTimeout(resolve, delay));
        }
      }
    },
    close: () => dispatcher.close(),
  };
}

function asUpstreamError(error: unknown): AppError {
  if (isAppError(error)) return error;
  return new AppError('upstream_failed', `AliExpress could not be reached: ${(error as Error).message}`, { source: 'AliExpress' }, undefined, { cause: error });
}

export type SearchPages = ReturnType<typeof createSearchPages>;
