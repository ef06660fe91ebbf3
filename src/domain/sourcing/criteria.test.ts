import { describe, expect, it } from 'vitest';
import { type Criteria, meets, sortItems } from './criteria.ts';
import type { SupplierItem } from './types.ts';

const item = (overrides: Partial<SupplierItem>): SupplierItem => ({
  source: 'aliexpress',
  externalId: '1',
  title: 'Lámpara LED de escritorio',
  price: { minor: 1500, currency: 'USD' },
  shippingTags: [],
  url: 'https://www.aliexpress.com/item/1.html',
  ...overrides,
});
const usd: Criteria = { currency: 'USD' };

describe('search criteria', () => {
  it('bounds price in the shop currency, and leaves out a price in another currency when bounded', () => {
    expect(meets(item({}), { ...usd, minMinor: 1000, maxMinor: 1500 }, 'lampara')).toBe(true);
    expect(meets(item({}), { ...usd, maxMinor: 1499 }, 'lampara')).toBe(false);
    expect(meets(item({ price: { minor: 100, currency: 'EUR' } }), { ...usd, maxMinor: 1499 }, 'lampara')).toBe(false);
  });

  it('applies rating and sales, and shipping days and category only where the source tells them', () => {
    expect(meets(item({ rating: '4.5' }), { ...usd, minRating: 4.6 }, 'x')).toBe(false);
    expect(meets(item({}), { ...usd, minRating: 1 }, 'x')).toBe(false);
    expect(meets(item({ soldCount: 10 }), { ...usd, minSold: 10 }, 'x')).toBe(true);
    expect(meets(item({ shipDays: 20 }), { ...usd, maxShipDays: 15 }, 'x')).toBe(false);
    expect(meets(item({}), { ...usd, maxShipDays: 15 }, 'x')).toBe(true);
    expect(meets(item({ categoryId: '44' }), { ...usd, categoryId: '7' }, 'x')).toBe(false);
    expect(meets(item({ categoryId: '7' }), { ...usd, categoryId: '7' }, 'x')).toBe(true);
  });

  it('matches all or any of the words in the title, ignoring case and accents', () => {
    expect(meets(item({}), { ...usd, match: 'all' }, 'LAMPARA escritorio')).toBe(true);
    expect(meets(item({}), { ...usd, match: 'all' }, 'lampara techo')).toBe(false);
    expect(meets(item({}), { ...usd, match: 'any' }, 'lampara techo')).toBe(true);
    expect(meets(item({}), { ...usd, match: 'any' }, 'mouse teclado')).toBe(false);
    expect(meets(item({}), usd, 'mouse teclado')).toBe(true); // no match mode: relevance is the site's
  });

  it('sorts by price up, orders down or rating down, keeping the site order on ties', () => {
    const a = item({ externalId: 'a', price: { minor: 300, currency: 'USD' }, soldCount: 5, rating: '4.8' });
    const b = item({ externalId: 'b', price: { minor: 100, currency: 'USD' }, soldCount: 50 });
    const c = item({ externalId: 'c', price: { minor: 300, currency: 'USD' }, soldCount: 5, rating: '4.9' });
    const ids = (items: SupplierItem[]) => items.map((i) => i.externalId);
    expect(ids(sortItems([a, b, c], 'price'))).toEqual(['b', 'a', 'c']);
    expect(ids(sortItems([a, b, c], 'orders'))).toEqual(['b', 'a', 'c']);
    expect(ids(sortItems([a, b, c], 'rating'))).toEqual(['c', 'a', 'b']);
  });
});
