import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../../../errors.ts';
import { decimalMinor } from '../../../money.ts';
import type { SortOrder, SupplierItem } from '../types.ts';
import { unreadable } from './extract.ts';
import type { PoliteClient } from './http.ts';
import type { PageQuery } from './pages.ts';
import { absolute } from './parse.ts';
import type { ProductQuery } from './product-api.ts';
import type { ProductState } from './product-data.ts';
import { canonicalProductId, productUrl } from './product-id.ts';

export interface AffiliateOptions {
  /** `ALIEXPRESS_API_BASE`; calls go to its `/sync` gateway. */
  apiBase: string;
  appKey: string;
  appSecret: string;
  client: PoliteClient;
}

/** The API sorts by price and by recent sales; it has no rating order, so that one is sorted here. */
const SORT: Partial<Record<SortOrder, string>> = { price: 'SALE_PRICE_ASC', orders: 'LAST_VOLUME_DESC' };
const PAGE_SIZE = 50;

const id = z
  .union([z.string(), z.number()])
  .transform(String)
  .pipe(z.string().regex(/^\d{1,20}$/));
const productShape = z.looseObject({
  product_id: id,
  product_title: z.string().min(1),
  target_sale_price: z.string(),
  target_sale_price_currency: z.string().regex(/^[A-Z]{3}$/),
  target_original_price: z.string().optional(),
  target_original_price_currency: z.string().optional(),
  lastest_volume: z.number().int().nonnegative().optional(),
  product_main_image_url: z.string().optional(),
  shop_id: id.optional(),
  shop_name: z.string().optional(),
  shop_url: z.string().optional(),
  first_level_category_id: id.optional(),
  second_level_category_id: id.optional(),
  ship_to_days: z.union([z.string(), z.number()]).optional(),
});
const resultShape = z.looseObject({
  resp_result: z.looseObject({
    resp_code: z.number(),
    resp_msg: z.string().optional(),
    result: z.looseObject({ products: z.looseObject({ product: z.array(z.unknown()) }).optional() }).optional(),
  }),
});

/**
 * The official AliExpress affiliate API (`aliexpress.affiliate.product.query` and `.productdetail.get`),
 * the preferred source when `ALIEXPRESS_APP_KEY` and `ALIEXPRESS_APP_SECRET` are set. Requests are signed
 * as the Open Platform documents for business APIs: HMAC-SHA256 with the app secret over the parameters
 * sorted by name, each as name then value, in upper-case hex.
 */
export function createAffiliateApi(options: AffiliateOptions) {
  async function call(
    method: string,
    params: Record<string, string>,
    signal: AbortSignal | undefined,
  ): Promise<unknown[]> {
    const all: Record<string, string> = {
      ...params,
      app_key: options.appKey,
      method,
      sign_method: 'sha256',
      timestamp: String(Date.now()),
      format: 'json',
      v: '2.0',
    };
    const form = new URLSearchParams({ ...all, sign: signParameters(all, options.appSecret) });
    return options.client.fetch(
      new URL('/sync', options.apiBase),
      { headers: { accept: 'application/json' }, form, signal },
      (response) => productsOf(method, response.body),
    );
  }

  const locale = (query: ProductQuery) => ({
    target_currency: query.currency,
    target_language: query.locale.toUpperCase(),
    ship_to_country: query.shipTo,
  });

  return {
    /** One page of products for the words (50 a page), in the same item shape as the website's. */
    async search(query: PageQuery): Promise<SupplierItem[]> {
      const params: Record<string, string> = {
        keywords: query.words,
        page_no: String(query.page ?? 1),
        page_size: String(PAGE_SIZE),
        ...locale(query),
      };
      const sort = query.sort && SORT[query.sort];
      if (sort) params.sort = sort;
      if (query.categoryId) params.category_ids = query.categoryId;
      return (await call('aliexpress.affiliate.product.query', params, query.signal)).flatMap(toItem);
    },

    /** A product's current state; a product the API no longer returns is unavailable. */
    async product(productId: string, query: ProductQuery): Promise<ProductState> {
      const [item] = (
        await call('aliexpress.affiliate.productdetail.get', { product_ids: productId, ...locale(query) }, query.signal)
      ).flatMap(toItem);
      return item ? { available: true, item } : { available: false };
    },
  };
}

/** The products in an API answer; a refusal (bad key, bad signature, quota) says so with the API's own words. */
function productsOf(method: string, text: string): unknown[] {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw unreadable('The affiliate API answer is not JSON', error);
  }
  const failure = (body.error_response ?? (typeof body.code === 'string' && body.code !== '0' ? body : undefined)) as
    | { code?: string; msg?: string; message?: string }
    | undefined;
  if (failure) throw refused(`${failure.code ?? '?'} ${failure.msg ?? failure.message ?? ''}`);
  const parsed = resultShape.safeParse(body[`${method.replaceAll('.', '_')}_response`]);
  if (!parsed.success) throw unreadable('The affiliate API answer has an unexpected shape');
  const { resp_code: code, resp_msg: message, result } = parsed.data.resp_result;
  // 405 is the API's "no products match"; any other code but 200 is a failure.
  if (code === 405) return [];
  if (code !== 200) throw refused(`${code} ${message ?? ''}`);
  return result?.products?.product ?? [];
}

function refused(detail: string): AppError {
  const trimmed = detail.trim().slice(0, 160);
  return new AppError(
    'upstream_failed',
    `The affiliate API refused the call: ${trimmed}`,
    { source: 'AliExpress', detail: trimmed },
    'error.upstream_refused',
  );
}

/** The Open Platform signature for business APIs: HMAC-SHA256(secret, name1value1name2value2…) in upper-case hex. */
export function signParameters(params: Record<string, string>, secret: string): string {
  const text = Object.keys(params)
    .filter((key) => key !== 'sign')
    .sort()
    .map((key) => `${key}${params[key]}`)
    .join('');
  return createHmac('sha256', secret).update(text, 'utf8').digest('hex').toUpperCase();
}

/** A product the API returned, as bodega's item; one it returns without a usable price is skipped, never guessed. */
function toItem(raw: unknown): SupplierItem[] {
  const parsed = productShape.safeParse(raw);
  if (!parsed.success) return [];
  const product = parsed.data;
  const currency = product.target_sale_price_currency;
  const price = decimalMinor(product.target_sale_price, currency);
  const original =
    product.target_original_price && (product.target_original_price_currency ?? currency) === currency
      ? decimalMinor(product.target_original_price, currency)
      : undefined;
  if (price === undefined) return [];
  const externalId = canonicalProductId(product.product_id);
  const shipDays = Number(product.ship_to_days);
  return [
    {
      source: 'aliexpress',
      externalId,
      title: product.product_title.trim(),
      price: { minor: price, currency },
      originalPrice: original !== undefined && original > price ? { minor: original, currency } : undefined,
      // The API gives a positive-feedback percentage, not the star rating the site shows; no stars are made up from it.
      rating: undefined,
      soldCount: product.lastest_volume,
      imageUrl: product.product_main_image_url ? absolute(product.product_main_image_url) : undefined,
      store:
        product.shop_id && product.shop_name
          ? { id: product.shop_id, name: product.shop_name, url: product.shop_url }
          : undefined,
      shippingTags: [],
      categoryId: product.second_level_category_id ?? product.first_level_category_id,
      shipDays: Number.isInteger(shipDays) && shipDays > 0 ? shipDays : undefined,
      url: productUrl(externalId),
    },
  ];
}
