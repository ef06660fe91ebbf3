import type { SortOrder, SupplierItem } from './types.ts';

/** What a seller asks of supplier products; the same rules serve /search, saved filters and watches. */
export interface Criteria {
  /** Price bounds in minor units of `currency`. */
  minMinor?: number | undefined;
  maxMinor?: number | undefined;
  currency: string;
  /** Shipping days are rarely on result pages; the bound applies only where known. */
  maxShipDays?: number | undefined;
  minRating?: number | undefined;
  minSold?: number | undefined;
  /** AliExpress category id: searched within, and an item whose category is known must be in it. */
  categoryId?: string | undefined;
  /** Which search words a title must contain: `all` of them or `any` one; unset leaves relevance to the site. */
  match?: 'any' | 'all' | undefined;
  sort?: SortOrder | undefined;
}

/** Lower case without accents, so "Lámpara" matches "lampara". */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** The search words, folded, for keyword matching. */
export function keywords(words: string): string[] {
  return [
    ...new Set(
      fold(words)
        .split(/[^\p{L}\p{N}]+/u)
        .filter(Boolean),
    ),
  ];
}

/**
 * Whether an item meets every bound; an item whose price is in another currency cannot prove it fits, so it
 * is left out. Shipping days and category apply where the source tells them.
 */
export function meets(item: SupplierItem, criteria: Criteria, words: string): boolean {
  const priced = criteria.minMinor !== undefined || criteria.maxMinor !== undefined;
  if (priced && item.price.currency !== criteria.currency) return false;
  if (criteria.minMinor !== undefined && item.price.minor < criteria.minMinor) return false;
  if (criteria.maxMinor !== undefined && item.price.minor > criteria.maxMinor) return false;
  if (criteria.minRating !== undefined && (item.rating === undefined || Number(item.rating) < criteria.minRating))
    return false;
  if (criteria.minSold !== undefined && (item.soldCount ?? 0) < criteria.minSold) return false;
  if (criteria.maxShipDays !== undefined && item.shipDays !== undefined && item.shipDays > criteria.maxShipDays)
    return false;
  if (criteria.categoryId !== undefined && item.categoryId !== undefined && item.categoryId !== criteria.categoryId)
    return false;
  if (criteria.match) {
    const title = fold(item.title);
    const found = keywords(words).filter((word) => title.includes(word));
    if (criteria.match === 'all' ? found.length < keywords(words).length : found.length === 0) return false;
  }
  return true;
}

/** Price ascending, orders descending or rating descending; ties keep the site's order. */
export function sortItems(items: SupplierItem[], sort: SortOrder | undefined): SupplierItem[] {
  if (!sort) return items;
  const key: Record<SortOrder, (item: SupplierItem) => number> = {
    price: (item) => item.price.minor,
    orders: (item) => -(item.soldCount ?? 0),
    rating: (item) => -Number(item.rating ?? 0),
  };
  return items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => key[sort](a.item) - key[sort](b.item) || a.index - b.index)
    .map(({ item }) => item);
}
