import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../errors.ts';
import { parseSearchPage } from './parse.ts';
import { parseSoldCount } from './sold-count.ts';

/** The real 4-item excerpt from the shared fixtures, verbatim. */
const fixture = JSON.parse(
  readFileSync(
    fileURLToPath(
      new URL('../../../../test/fixtures/aliexpress/aliexpress-search-itemList.sample.json', import.meta.url),
    ),
    'utf8',
  ),
);

/** A search page shaped like AliExpress's: the JSON sits in JavaScript with the outer `data` key unquoted. */
function searchPage(itemList: unknown): string {
  const payload = JSON.stringify({ data: { root: { fields: { mods: { itemList } } } } });
  return `<!doctype html><html><head><script>window._dida_config_ = {};</script></head><body><div id="root"></div>
<script>/*!-->init-data-start--*/window._dida_config_._init_data_= { data: ${payload} }/*!-->init-data-end--*/</script></body></html>`;
}

function errorOf(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('AliExpress search page parser', () => {
  it('maps the real fixture items to exact values', () => {
    const items = parseSearchPage(searchPage(fixture));
    // Product ids, as item pages and the APIs know them (each item's own x_object_id), not the search-space ids.
    expect(items.map((item) => item.externalId)).toEqual(
      fixture.content.map((raw: any) => raw.trace.utLogMap.x_object_id),
    );
    expect(items.map((item) => item.externalId)).toEqual([
      '1005007593615171',
      '1005007182671003',
      '1005006706915258',
      '1005006897038077',
    ]);
    expect(items[0]).toEqual({
      source: 'aliexpress',
      externalId: '1005007593615171',
      title:
        'Women Plus Size 1XL-5XL Petal Sleeve Curved Hem T-shirt Ladies Fashionable Style Suitable for Various Casual T-shirt',
      price: { minor: 99, currency: 'USD' },
      originalPrice: { minor: 1475, currency: 'USD' },
      rating: undefined,
      soldCount: 2,
      imageUrl:
        'https://ae-pic-a1.aliexpress-media.com/kf/S5d149fd215e94daf92344acb054771c0A/Women-Plus-Size-1XL-5XL-Petal-Sleeve-Curved-Hem-T-shirt-Ladies-Fashionable-Style-Suitable-for.jpg_350x350xz.jpg',
      store: { id: '1103802080', name: 'Shop1103813084 Store', url: 'https://www.aliexpress.com/store/1103802080' },
      shippingTags: ['Free shipping'],
      categoryId: '201513902',
      url: 'https://www.aliexpress.com/item/1005007593615171.html',
    });
    expect(items.map((item) => [item.price.minor, item.originalPrice?.minor, item.rating, item.soldCount])).toEqual([
      [99, 1475, undefined, 2],
      [864, 1963, '5', 2],
      [99, 632, '5', 26],
      [950, 2160, undefined, 5],
    ]);
  });

  it('keeps prices exact in currencies without cents', () => {
    const item = structuredClone(fixture.content[0]);
    item.prices.salePrice = { minPrice: 343297, currencyCode: 'IDR', cent: 34329700, formattedPrice: 'Rp343,297' };
    delete item.prices.originalPrice;
    const [parsed] = parseSearchPage(searchPage({ content: [item] }));
    expect(parsed?.price).toEqual({ minor: 343297, currency: 'IDR' });
  });

  it('reads braces and quotes inside titles without losing its place', () => {
    const item = structuredClone(fixture.content[1]);
    // A trailing backslash is written `\\` in JSON: the quote after it closes the string.
    item.title.displayTitle = 'Set {2 pcs} "premium" \\ } { \\';
    const [parsed] = parseSearchPage(searchPage({ content: [item] }));
    expect(parsed?.title).toBe('Set {2 pcs} "premium" \\ } { \\');
  });

  it('skips entries that are not products instead of guessing', () => {
    const items = parseSearchPage(searchPage({ content: [{ itemType: 'banner', image: {} }, fixture.content[2]] }));
    expect(items.map((item) => item.externalId)).toEqual(['1005006706915258']);
  });

  it('reports a block page as upstream_blocked, never as results', () => {
    const block =
      '<html><body><script>location.href="https://www.aliexpress.com/_____tmd_____/punish?x5secdata=abc"</script></body></html>';
    expect(errorOf(() => parseSearchPage(block)).code).toBe('upstream_blocked');
  });

  it('reports a malformed or truncated page as upstream_failed', () => {
    const truncated = searchPage(fixture).slice(0, 4_000);
    for (const page of [
      '<html>no data here</html>',
      truncated,
      '<script>window._dida_config_._init_data_= { data: {oops} }</script>',
      '<script>window._dida_config_._init_data_= { other: {} }</script>',
    ]) {
      expect(errorOf(() => parseSearchPage(page)).code).toBe('upstream_failed');
    }
  });
});

describe('localised sold counts', () => {
  it.each([
    ['2 sold', 2],
    ['26 sold', 26],
    ['10.000+ vendidos', 10_000],
    ['1,000+ sold', 1_000],
    ['5K+ sold', 5_000],
    ['1.5K+ sold', 1_500],
    ['10 mil+ vendidos', 10_000],
    ['1,5 mil vendidos', 1_500],
    ['3 vendidos', 3],
  ])('reads "%s" as %i', (text, count) => {
    expect(parseSoldCount(text)).toBe(count);
  });

  it('answers nothing when there is no number', () => {
    expect(parseSoldCount('Nuevo')).toBeUndefined();
    expect(parseSoldCount(undefined)).toBeUndefined();
  });
});
