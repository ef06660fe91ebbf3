// The product data gateway AliExpress item pages call (`mtop.aliexpress.pdp.pc.query`), faked on Hono:
// the first call gets a token in cookies, signed calls get the real fixture's modules with this
// product's id, title, price and stock; a wrong signature is refused as the real gateway refuses it.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Context } from 'hono';

const fixture = JSON.parse(
  readFileSync(
    fileURLToPath(new URL('../fixtures/aliexpress/aliexpress-pdp-mtop-real.excerpt.json', import.meta.url)),
    'utf8',
  ),
) as {
  data: { result: Record<string, any> };
};
const APP_KEY = '12574478';

export interface FakeProduct {
  title: string;
  /** Price in cents of whatever currency was asked for. */
  cents: number;
  available: boolean;
}

const jsonp = (body: unknown) => `mtopjsonp1(${JSON.stringify(body)})`;

/** Handles GET /h5/mtop.aliexpress.pdp.pc.query/1.0/ for the fake; `lookup` says what a product is now. */
export function mtopHandler(options: {
  lookup(id: string): FakeProduct | undefined;
  blocked(): boolean;
  tokens: Set<string>;
}) {
  return (c: Context) => {
    const query = c.req.query();
    const reply = (ret: string, data: unknown = {}) =>
      c.body(jsonp({ api: 'mtop.aliexpress.pdp.pc.query', data, ret: [ret], v: '1.0' }), 200, {
        'content-type': 'application/javascript',
      });
    if (options.blocked())
      return reply('RGV587_ERROR::SM::哎哟喂,被挤爆啦,请稍后重试', {
        url: 'https://acs.aliexpress.com/_____tmd_____/punish?x5secdata=abc',
      });
    const token = (c.req.header('cookie') ?? '').match(/_m_h5_tk=([^_;]+)_\d+/)?.[1];
    if (!token || !options.tokens.has(token)) {
      const fresh = randomBytes(16).toString('hex');
      options.tokens.add(fresh);
      c.header('set-cookie', `_m_h5_tk=${fresh}_${Date.now() + 3_600_000}; Path=/; Max-Age=3600`, { append: true });
      c.header('set-cookie', `_m_h5_tk_enc=${randomBytes(16).toString('hex')}; Path=/; Max-Age=3600`, { append: true });
      return reply(token ? 'FAIL_SYS_TOKEN_EXOIRED::令牌过期' : 'FAIL_SYS_TOKEN_EMPTY::令牌为空');
    }
    const expected = createHash('md5').update(`${token}&${query.t}&${APP_KEY}&${query.data}`).digest('hex');
    if (query.appKey !== APP_KEY || query.sign !== expected) return reply('FAIL_SYS_ILLEGAL_ACCESS::非法请求');
    const data = JSON.parse(query.data ?? '{}') as { productId?: string; _currency?: string };
    const product = options.lookup(String(data.productId));
    if (!product) return reply('FAIL_BIZ_ITEM_NOT_FOUND::商品不存在');
    return reply('SUCCESS::调用成功', {
      result: productModules(String(data.productId), product, data._currency ?? 'USD'),
    });
  };
}

/** The real modules with this product's values. */
function productModules(id: string, product: FakeProduct, currency: string): Record<string, any> {
  const result = structuredClone(fixture.data.result);
  const whole = Math.floor(product.cents / 100);
  const fraction = String(product.cents % 100).padStart(2, '0');
  result.PRODUCT_TITLE.text = product.title;
  result.GLOBAL_DATA.globalData.productId = id;
  result.GLOBAL_DATA.globalData.subject = product.title;
  result.GLOBAL_DATA.globalData.currencyCode = currency;
  result.GLOBAL_DATA.globalData.productInfo = {
    ...result.GLOBAL_DATA.globalData.productInfo,
    productId: id,
    hasStock: product.available,
  };
  result.QUANTITY_PC.totalAvailableInventory = product.available ? 120 : 0;
  result.PRICE.targetSkuPriceInfo = {
    ...result.PRICE.targetSkuPriceInfo,
    salePriceLocal: `US $${whole}.${fraction}|${whole}|${fraction}`,
    salePriceString: `US $${whole}.${fraction}`,
    originalPrice: { currency, formatedAmount: `US $${(product.cents * 2) / 100}`, value: (product.cents * 2) / 100 },
  };
  return result;
}
