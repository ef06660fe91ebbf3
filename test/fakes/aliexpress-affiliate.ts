// The AliExpress affiliate API's /sync gateway, faked on Hono: it checks the app key and the HMAC-SHA256
// signature as the Open Platform does, and answers product.query and productdetail.get with products
// from the fake's catalogue in the documented response shape.
import { createHmac } from 'node:crypto';
import type { Context } from 'hono';

export interface AffiliateProduct {
  id: string;
  title: string;
  cents: number;
  volume: number;
  categoryId: string;
}

export interface AffiliateCall {
  method: string;
  params: Record<string, string>;
}

export function affiliateHandler(options: {
  appKey: string;
  appSecret: string;
  search(words: string, page: number, sort: string | undefined): AffiliateProduct[];
  lookup(id: string): AffiliateProduct | undefined;
  calls: AffiliateCall[];
}) {
  return async (c: Context) => {
    const params = Object.fromEntries(new URLSearchParams(await c.req.text())) as Record<string, string>;
    const method = params.method ?? '';
    options.calls.push({ method, params });
    const refuse = (code: string, msg: string) =>
      c.json({ error_response: { type: 'ISV', code, msg, request_id: 'fake' } });
    if (params.app_key !== options.appKey) return refuse('InvalidApiKey', 'The specified API key is invalid');
    const { sign, ...signed } = params;
    const text = Object.keys(signed)
      .sort()
      .map((key) => `${key}${signed[key]}`)
      .join('');
    if (
      params.sign_method !== 'sha256' ||
      sign !== createHmac('sha256', options.appSecret).update(text).digest('hex').toUpperCase()
    ) {
      return refuse('IncompleteSignature', 'The request signature does not conform to platform standards');
    }
    const currency = params.target_currency ?? 'USD';
    const shape = (product: AffiliateProduct) => ({
      product_id: Number(product.id),
      product_title: product.title,
      target_sale_price: (product.cents / 100).toFixed(2),
      target_sale_price_currency: currency,
      target_original_price: ((product.cents * 2) / 100).toFixed(2),
      target_original_price_currency: currency,
      evaluate_rate: '96.2%',
      lastest_volume: product.volume,
      product_main_image_url: `https://ae01.alicdn.com/kf/${product.id}.jpg`,
      product_detail_url: `https://www.aliexpress.com/item/${product.id}.html`,
      shop_id: 1103802080,
      shop_url: 'https://www.aliexpress.com/store/1103802080',
      first_level_category_id: 200000345,
      second_level_category_id: Number(product.categoryId),
    });
    const answer = (products: AffiliateProduct[]) =>
      c.json({
        [`${method.replaceAll('.', '_')}_response`]: {
          resp_result: {
            resp_code: 200,
            resp_msg: 'Call succeeds',
            result: {
              current_page_no: Number(params.page_no ?? 1),
              current_record_count: products.length,
              total_record_count: products.length,
              products: { product: products.map(shape) },
            },
          },
        },
        request_id: 'fake',
      });
    if (method === 'aliexpress.affiliate.product.query')
      return answer(options.search(params.keywords ?? '', Number(params.page_no ?? 1), params.sort));
    if (method === 'aliexpress.affiliate.productdetail.get') {
      return answer((params.product_ids ?? '').split(',').flatMap((id) => options.lookup(id) ?? []));
    }
    return refuse('InvalidMethod', `The method ${method} does not exist`);
  };
}
