import type { Logger } from '../../../logger.ts';
import type { SupplierItem } from '../types.ts';
import { createAffiliateApi } from './affiliate.ts';
import { createPoliteClient, type PoliteClientOptions } from './http.ts';
import { createSearchPages, type PageQuery } from './pages.ts';
import { createProductApi, type ProductQuery } from './product-api.ts';
import type { ProductState } from './product-data.ts';

/** Where supplier products come from: search results and one product's current state. */
export interface SupplierSource {
  /** `affiliate` (the official API) or `web` (the website's pages). */
  kind: 'affiliate' | 'web';
  search(query: PageQuery): Promise<SupplierItem[]>;
  product(id: string, query: ProductQuery): Promise<ProductState>;
  close(): Promise<void>;
}

export interface SourceOptions {
  baseUrl: string;
  mtopUrl: string;
  apiBase: string;
  appKey?: string | undefined;
  appSecret?: string | undefined;
  proxyUrl?: string | undefined;
  log: Pick<Logger, 'warn' | 'debug'>;
  /** Overrides for the polite client (tests and benchmarks shorten the pause). */
  http?: Omit<PoliteClientOptions, 'proxyUrl' | 'log'>;
}

/** The official affiliate API when its key and secret are set, else the website through the polite client. */
export function createSupplierSource(options: SourceOptions): SupplierSource {
  const client = createPoliteClient({ proxyUrl: options.proxyUrl, log: options.log, ...options.http });
  const close = () => client.close();
  if (options.appKey && options.appSecret) {
    const api = createAffiliateApi({
      apiBase: options.apiBase,
      appKey: options.appKey,
      appSecret: options.appSecret,
      client,
    });
    return { kind: 'affiliate', search: api.search, product: api.product, close };
  }
  const pages = createSearchPages({ baseUrl: options.baseUrl, client });
  const products = createProductApi({ mtopUrl: options.mtopUrl, client });
  return { kind: 'web', search: pages.search, product: products.product, close };
}
