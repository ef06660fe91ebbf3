import { createHash } from 'node:crypto';
import { blockedError, isBlockPage, unreadable } from './extract.ts';
import type { Fetched, PoliteClient } from './http.ts';
import { SITE_LOCALE, siteCookie } from './pages.ts';
import { type ProductState, parseProductData } from './product-data.ts';

const API = 'mtop.aliexpress.pdp.pc.query';
/** The website's own public key for its product data gateway (not a secret; every item page sends it). */
const WEB_APP_KEY = '12574478';

export interface ProductQuery {
  locale: 'es' | 'en';
  currency: string;
  shipTo: string;
  /** Cancels the lookup (and any backoff before it). */
  signal?: AbortSignal | undefined;
}

type Answer = { kind: 'token'; cookies: string } | { kind: 'state'; state: ProductState };

/**
 * One product as its item page loads it (`ALIEXPRESS_MTOP_URL`, the gateway the page calls): the first
 * call is answered with a session token in cookies, and calls signed with it
 * (md5 of "token&time&appKey&data") get the product's data. The token is kept until the gateway refuses it.
 */
export function createProductApi(options: { mtopUrl: string; client: PoliteClient }) {
  let cookies = '';

  async function call(id: string, query: ProductQuery): Promise<Answer> {
    const site = SITE_LOCALE[query.locale];
    const data = JSON.stringify({
      productId: id,
      _lang: site.locale,
      _currency: query.currency,
      country: query.shipTo,
      channel: 'pc',
      clientType: 'pc',
    });
    const time = String(Date.now());
    const token = cookies.match(/_m_h5_tk=([^_;]+)/)?.[1] ?? '';
    const url = new URL(`/h5/${API}/1.0/`, options.mtopUrl);
    url.search = new URLSearchParams({
      jsv: '2.6.1',
      appKey: WEB_APP_KEY,
      t: time,
      sign: createHash('md5').update(`${token}&${time}&${WEB_APP_KEY}&${data}`).digest('hex'),
      api: API,
      v: '1.0',
      type: 'originaljsonp',
      dataType: 'jsonp',
      callback: 'mtopjsonp1',
      data,
    }).toString();
    const headers = {
      accept: '*/*',
      'accept-language': site.accept,
      referer: `https://www.aliexpress.com/item/${id}.html`,
      cookie: [siteCookie(query), cookies].filter(Boolean).join('; '),
    };
    return options.client.fetch(url, { headers, signal: query.signal }, answer);
  }

  return {
    /** The product's current state; `upstream_blocked` when the gateway challenges us, `upstream_failed` when it cannot be read. */
    async product(id: string, query: ProductQuery): Promise<ProductState> {
      for (let attempt = 0; attempt < 2; attempt++) {
        const result = await call(id, query);
        if (result.kind === 'state') return result.state;
        cookies = result.cookies;
      }
      throw unreadable('The product gateway refused its own token');
    },
  };
}

function answer(response: Fetched): Answer {
  if (isBlockPage(response.body)) throw blockedError();
  const envelope = unwrapJsonp(response.body);
  const ret = (Array.isArray(envelope.ret) ? envelope.ret : []).map(String).join(' ');
  if (/RGV587|FAIL_SYS_USER_VALIDATE|punish/i.test(ret)) throw blockedError();
  if (/FAIL_SYS_TOKEN/.test(ret)) {
    const fresh = response.setCookies
      .map((cookie) => cookie.split(';')[0]?.trim() ?? '')
      .filter((pair) => /^_m_h5_tk(_enc)?=/.test(pair));
    if (fresh.length === 0) throw unreadable('The product gateway gave no token');
    return { kind: 'token', cookies: fresh.join('; ') };
  }
  if (/ITEM_NOT_FOUND|NOT_EXIST|OFFLINE|DELETED/i.test(ret)) return { kind: 'state', state: { available: false } };
  if (!/^SUCCESS/.test(ret)) throw unreadable(`The product gateway answered ${ret.slice(0, 120) || 'nothing'}`);
  return { kind: 'state', state: parseProductData((envelope.data as { result?: unknown } | undefined)?.result) };
}

/** `mtopjsonp1({...})` or plain JSON → the object; anything else is `upstream_failed`. */
function unwrapJsonp(body: string): Record<string, unknown> {
  const trimmed = body.trim();
  const start = trimmed.indexOf('{');
  const end = trimmed.lastIndexOf('}');
  try {
    if (start === -1 || end < start) throw new Error('no object');
    const parsed = JSON.parse(trimmed.slice(start, end + 1)) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw unreadable('The product gateway answer is not JSON');
}
