import type { SortOrder, SupplierItem } from '../types.ts';
import type { PoliteClient } from './http.ts';
import { parseSearchPage } from './parse.ts';

export interface PageQuery {
  words: string;
  page?: number;
  locale: 'es' | 'en';
  currency: string;
  /** Two-letter country the prices and shipping are for. */
  shipTo: string;
  sort?: SortOrder | undefined;
  /** AliExpress category id to search within. */
  categoryId?: string | undefined;
  /** Cancels the search (and any backoff before a retry). */
  signal?: AbortSignal | undefined;
}

const SORT: Record<SortOrder, string> = { price: 'price_asc', orders: 'total_tranpro_desc', rating: 'default' };
export const SITE_LOCALE = {
  es: { site: 'esp', locale: 'es_ES', accept: 'es-MX,es;q=0.9,en;q=0.6' },
  en: { site: 'glo', locale: 'en_US', accept: 'en-US,en;q=0.9' },
};

/** The site cookie that picks language, currency and ship-to country, as the website sets it (`c_tp`, `region`, `b_locale`). */
export function siteCookie(query: { locale: 'es' | 'en'; currency: string; shipTo: string }): string {
  const site = SITE_LOCALE[query.locale];
  return `aep_usuc_f=site=${site.site}&c_tp=${query.currency}&region=${query.shipTo}&b_locale=${site.locale}; intl_locale=${site.locale}`;
}

/** AliExpress search result pages (`ALIEXPRESS_BASE_URL`), parsed; never invented. */
export function createSearchPages(options: { baseUrl: string; client: PoliteClient }) {
  return {
    /** One page of results for the words, parsed; throws upstream_blocked or upstream_failed. */
    search(query: PageQuery): Promise<SupplierItem[]> {
      const slug =
        query.words
          .trim()
          .toLowerCase()
          .replace(/[^\p{L}\p{N}]+/gu, '-')
          .replace(/^-|-$/g, '') || 'items';
      const url = new URL(`/w/wholesale-${encodeURIComponent(slug)}.html`, options.baseUrl);
      url.searchParams.set('SearchText', query.words);
      url.searchParams.set('page', String(query.page ?? 1));
      url.searchParams.set('g', 'y');
      if (query.sort) url.searchParams.set('SortType', SORT[query.sort]);
      if (query.categoryId) url.searchParams.set('CatId', query.categoryId);
      const headers = {
        accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
        'accept-language': SITE_LOCALE[query.locale].accept,
        cookie: siteCookie(query),
      };
      return options.client.fetch(url, { headers, signal: query.signal }, (response) => parseSearchPage(response.body));
    },
  };
}
