import type { Money } from '../../money.ts';

/** One supplier product as bodega stores it, whatever the source (the website's pages or the affiliate API). */
export interface SupplierItem {
  source: 'aliexpress';
  externalId: string;
  title: string;
  price: Money;
  originalPrice?: Money | undefined;
  /** 0-5 stars as AliExpress shows it, as text so it stays exact. */
  rating?: string | undefined;
  soldCount?: number | undefined;
  imageUrl?: string | undefined;
  store?: { id: string; name: string; url?: string | undefined } | undefined;
  shippingTags: string[];
  /** AliExpress category id, where the source tells it. */
  categoryId?: string | undefined;
  /** Promised delivery days to the ship-to country, where the source tells it. */
  shipDays?: number | undefined;
  url: string;
}

/** Price ascending, orders descending or rating descending. */
export type SortOrder = 'price' | 'orders' | 'rating';
