import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../errors.ts';
import { parseProductData } from './product-data.ts';

/** The real item page product data excerpt from the shared fixtures (Indonesian locale, IDR), verbatim. */
const fixture = JSON.parse(
  readFileSync(
    fileURLToPath(
      new URL('../../../../test/fixtures/aliexpress/aliexpress-pdp-mtop-real.excerpt.json', import.meta.url),
    ),
    'utf8',
  ),
);

describe('AliExpress product data parser', () => {
  it('maps the real product data to exact values', () => {
    expect(parseProductData(fixture.data.result)).toEqual({
      available: true,
      item: {
        source: 'aliexpress',
        externalId: '1005012410104961',
        title:
          '1 Buah Sisir Pelurus Rambut Portabel 2600mAh, Perlengkapan Asrama, Dua Fungsi Pelurus & Pengeriting, Tidak Merusak, Nirkabel, Ion Negatif',
        price: { minor: 343297, currency: 'IDR' },
        originalPrice: { minor: 746269, currency: 'IDR' },
        rating: '4.5',
        soldCount: 39,
        imageUrl: 'https://ae-pic-a1.aliexpress-media.com/kf/S9e0501832f6b49698d4502e004a3a390a.jpeg',
        store: { id: '1103920178', name: 'Shop1103920178 Store', url: 'https://id.aliexpress.com/store/1103920178' },
        shippingTags: [],
        categoryId: '200001211',
        // The fixture's product does not ship to its ship-to country, so its 75 days are not a promise.
        shipDays: undefined,
        url: 'https://www.aliexpress.com/item/1005012410104961.html',
      },
    });
  });

  it('reads cents exactly and knows a product without stock is unavailable', () => {
    const result = structuredClone(fixture.data.result);
    result.PRICE.targetSkuPriceInfo.salePriceLocal = 'US $3.05|3|05';
    result.PRICE.targetSkuPriceInfo.originalPrice = { currency: 'USD', value: 6.1 };
    result.SHIPPING.originalLayoutResultList[0].bizData.unreachable = false;
    result.GLOBAL_DATA.globalData.productInfo.hasStock = false;
    const state = parseProductData(result);
    expect(state.available).toBe(false);
    expect(state.item?.price).toEqual({ minor: 305, currency: 'USD' });
    expect(state.item?.originalPrice).toEqual({ minor: 610, currency: 'USD' });
    expect(state.item?.shipDays).toBe(75);
  });

  it('refuses data without a readable price instead of guessing one', () => {
    const result = structuredClone(fixture.data.result);
    result.PRICE.targetSkuPriceInfo.salePriceLocal = 'Rp343,297';
    expect(() => parseProductData(result)).toThrow(AppError);
    expect(() => parseProductData({})).toThrow(AppError);
  });
});
