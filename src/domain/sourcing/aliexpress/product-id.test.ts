import { describe, expect, it } from 'vitest';
import { AppError } from '../../../errors.ts';
import { canonicalProductId, productIdFrom } from './product-id.ts';

describe('AliExpress product ids', () => {
  it('maps search-space ids to the product id and leaves product ids alone', () => {
    expect(canonicalProductId('3256807407300419')).toBe('1005007593615171');
    expect(canonicalProductId('1005007593615171')).toBe('1005007593615171');
  });

  it('reads the id from links on any country site, with or without query, and from a bare id', () => {
    expect(productIdFrom('https://www.aliexpress.com/item/1005007593615171.html')).toBe('1005007593615171');
    expect(
      productIdFrom('https://es.aliexpress.com/item/1005007593615171.html?spm=a2g0o.productlist&gatewayAdapt=glo2esp'),
    ).toBe('1005007593615171');
    expect(productIdFrom('aliexpress.com/item/3256807407300419.html')).toBe('1005007593615171');
    expect(productIdFrom(' 1005007593615171 ')).toBe('1005007593615171');
  });

  it('refuses what is not an AliExpress product', () => {
    for (const input of [
      'https://www.amazon.com/item/1005007593615171.html',
      'https://evil.example/aliexpress.com/item/1.html',
      'mouse',
      '12',
    ]) {
      expect(() => productIdFrom(input)).toThrow(AppError);
    }
  });
});
