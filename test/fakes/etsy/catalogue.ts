// The shop the fake serves: one Etsy shop with N listings made from the listing index, so the same options give
// the same shop every run (no Math.random). Listings come in five kinds, one after the other: a single product with
// a SKU, a single product without one, three colours with a SKU and stock each, two custom properties (size ×
// material) with prices by size, and three colours without SKUs where one is switched off. Records are stored in
// the shapes Etsy answers (ShopListing, ListingInventory, Shop), so routes hand out copies as they are.
import type { Clock } from '../../../src/clock.ts';
import { listingRecord, shopRecord } from './records.ts';

type Json = Record<string, any>;

export interface PropertyValue {
  property_id: number;
  property_name: string | null;
  scale_id: number | null;
  scale_name: string | null;
  value_ids: number[];
  values: string[];
}

export interface Offering {
  offering_id: number;
  quantity: number;
  is_enabled: boolean;
  is_deleted: boolean;
  price: Money;
  readiness_state_id: number | null;
}

export interface Product {
  product_id: number;
  sku: string;
  is_deleted: boolean;
  offerings: Offering[];
  property_values: PropertyValue[];
}

export interface Inventory {
  products: Product[];
  price_on_property: number[];
  quantity_on_property: number[];
  sku_on_property: number[];
  readiness_state_on_property: number[];
}

export interface Money {
  amount: number;
  divisor: number;
  currency_code: string;
}

export interface FakeListing {
  listing: Json;
  inventory: Inventory;
}

export interface ShopState {
  clock: Clock;
  shop: Json;
  ownerUserId: number;
  currency: string;
  readinessStateId: number;
  listings: Map<number, FakeListing>;
  receipts: Map<number, Json>;
  nextId(kind: 'product' | 'offering' | 'value' | 'receipt' | 'transaction' | 'buyer'): number;
}

export interface ShopOptions {
  /** How many active listings the shop has (default 12). */
  listings?: number;
  /** ISO 4217 code of the shop's prices (default USD). */
  currency?: string;
  shopId?: number;
  ownerUserId?: number;
  shopName?: string;
}

const ITEMS = ['Ceramic mug', 'Linen tote bag', 'Beeswax candle', 'Silver ring', 'Wool scarf', 'Oak cutting board'];
const COLOURS: Array<[string, number]> = [
  ['Black', 1213],
  ['White', 1],
  ['Blue', 4],
];
const SIZES = ['Small', 'Large'];
const MATERIALS = ['Cotton', 'Linen'];
const FIRST_ID = {
  product: 17_854_054_931,
  offering: 18_211_000_001,
  value: 1_177_110_911_980,
  receipt: 3_021_745_515,
  transaction: 3_735_908_460,
  buyer: 102_574_536,
};

export const seconds = (clock: Clock) => Math.floor(clock.now().getTime() / 1000);

export function money(amount: number, currency: string): Money {
  return { amount, divisor: 100, currency_code: currency };
}

function colourValue(name: string, id: number): PropertyValue {
  return {
    property_id: 200,
    property_name: 'Primary color',
    scale_id: null,
    scale_name: null,
    value_ids: [id],
    values: [name],
  };
}

function customValue(state: ShopState, propertyId: number, name: string, value: string): PropertyValue {
  return {
    property_id: propertyId,
    property_name: name,
    scale_id: null,
    scale_name: null,
    value_ids: [state.nextId('value')],
    values: [value],
  };
}

function product(state: ShopState, sku: string, values: PropertyValue[], amount: number, quantity: number): Product {
  return {
    product_id: state.nextId('product'),
    sku,
    is_deleted: false,
    offerings: [
      {
        offering_id: state.nextId('offering'),
        quantity,
        is_enabled: true,
        is_deleted: false,
        price: money(amount, state.currency),
        readiness_state_id: state.readinessStateId,
      },
    ],
    property_values: values,
  };
}

/** The products and sharing rules of listing `index`, by kind (see the file comment). */
function inventoryFor(state: ShopState, index: number): Inventory {
  const amount = 1200 + ((index * 379) % 8800);
  const quantity = 1 + ((index * 7) % 25);
  const sku = `BDG-${String(index + 1).padStart(5, '0')}`;
  const none = {
    price_on_property: [],
    quantity_on_property: [],
    sku_on_property: [],
    readiness_state_on_property: [],
  };
  switch (index % 5) {
    case 0:
      return { ...none, products: [product(state, sku, [], amount, quantity)] };
    case 1:
      return { ...none, products: [product(state, '', [], amount, quantity)] };
    case 2: {
      const products = COLOURS.map(([name, id], k) =>
        product(state, `${sku}-${name.toUpperCase()}`, [colourValue(name, id)], amount, quantity + k),
      );
      return { ...none, products, quantity_on_property: [200], sku_on_property: [200] };
    }
    case 3: {
      const products = SIZES.flatMap((size, s) =>
        MATERIALS.map((material, m) =>
          product(
            state,
            `${sku}-${size[0]}${material[0]}`,
            [customValue(state, 513, 'Size', size), customValue(state, 514, 'Material', material)],
            amount + s * 500,
            quantity + m,
          ),
        ),
      );
      return {
        ...none,
        products,
        price_on_property: [513],
        quantity_on_property: [513, 514],
        sku_on_property: [513, 514],
      };
    }
    default: {
      const products = COLOURS.map(([name, id], k) =>
        product(state, '', [colourValue(name, id)], amount, k === 2 ? 0 : quantity),
      );
      products[2]!.offerings[0]!.is_enabled = false;
      return { ...none, products, quantity_on_property: [200] };
    }
  }
}

/** Recomputes what Etsy derives from the inventory: quantity, price, variations, sold-out state, timestamps. */
export function summarize(record: FakeListing, at: number): void {
  const offerings = record.inventory.products.flatMap((item) => item.offerings).filter((offer) => offer.is_enabled);
  const quantity = offerings.reduce((sum, offer) => sum + offer.quantity, 0);
  const cheapest = offerings.reduce<Offering | undefined>(
    (best, offer) => (best === undefined || offer.price.amount < best.price.amount ? offer : best),
    undefined,
  );
  const { listing } = record;
  listing.quantity = quantity;
  if (cheapest) listing.price = { ...cheapest.price };
  listing.has_variations = record.inventory.products.some((item) => item.property_values.length > 0);
  if (listing.state === 'active' && quantity === 0) listing.state = 'sold_out';
  else if (listing.state === 'sold_out' && quantity > 0) listing.state = 'active';
  listing.last_modified_timestamp = at;
  listing.updated_timestamp = at;
}

function listingFor(state: ShopState, index: number, createdAt: number): FakeListing {
  const listing = listingRecord({
    listingId: 1_572_338_361 + index * 13,
    userId: state.ownerUserId,
    shopId: state.shop.shop_id,
    title: `${ITEMS[index % ITEMS.length]} #${index + 1}`,
    createdAt,
    currency: state.currency,
    readinessStateId: state.readinessStateId,
    favorers: index % 40,
  });
  const record = { listing, inventory: inventoryFor(state, index) };
  summarize(record, createdAt);
  return record;
}

export function createShopState(clock: Clock, options: ShopOptions = {}): ShopState {
  const counters = { ...FIRST_ID };
  const at = seconds(clock);
  const currency = options.currency ?? 'USD';
  const shop = shopRecord(
    {
      shopId: options.shopId ?? 41_234_567,
      ownerUserId: options.ownerUserId ?? 825_776_089,
      shopName: options.shopName ?? 'TallerBodega',
      currency,
    },
    at,
  );
  const state: ShopState = {
    clock,
    shop,
    ownerUserId: shop.user_id,
    currency,
    readinessStateId: 1_388_467_001,
    listings: new Map(),
    receipts: new Map(),
    nextId: (kind) => {
      counters[kind] += 1;
      return counters[kind];
    },
  };
  const count = options.listings ?? 12;
  for (let index = 0; index < count; index += 1) {
    const record = listingFor(state, index, at - (count - index) * 3600);
    state.listings.set(record.listing.listing_id, record);
  }
  countActive(state);
  return state;
}

/** Keeps the shop's listing_active_count true after listings change state. */
export function countActive(state: ShopState): void {
  state.shop.listing_active_count = [...state.listings.values()].filter((r) => r.listing.state === 'active').length;
}

/** The offering a test or a buyer means: by SKU, by product id, else the listing's first enabled one. */
export function findProduct(record: FakeListing, match: { sku?: string; productId?: number } = {}): Product {
  const { products } = record.inventory;
  const found =
    match.sku !== undefined
      ? products.find((item) => item.sku === match.sku)
      : match.productId !== undefined
        ? products.find((item) => item.product_id === match.productId)
        : products.find((item) => item.offerings[0]?.is_enabled);
  if (!found) throw new Error(`listing ${record.listing.listing_id} has no such product: ${JSON.stringify(match)}`);
  return found;
}
