// updateListingInventory as Etsy applies it, after the spec's schema has passed: the body replaces the listing's
// whole inventory. Etsy refuses a body whose products disagree on their properties or repeat a combination, an
// offering count other than one per product, prices outside 0.20–50,000, quantities outside 0–999, parentheses in
// property values, and prices, quantities or SKUs that differ between products without the matching
// *_on_property. What it takes it keeps as sent: products sent without their property_values collapse into one
// product (the last), so a client that does not send the whole products array back loses the variations, as on
// Etsy (open-api issue #337). Every update gives the products and offerings new ids, as Etsy does.
import { etsyError, type FakeAnswer, ok } from './answer.ts';
import {
  countActive,
  type FakeListing,
  type Inventory,
  money,
  type Product,
  type PropertyValue,
  type ShopState,
  seconds,
  summarize,
} from './catalogue.ts';

interface SentValue {
  property_id: number;
  property_name?: string;
  scale_id?: number | null;
  value_ids: number[];
  values: string[];
}

interface SentProduct {
  sku?: string | null;
  property_values?: SentValue[];
  offerings: Array<{ price: number; quantity: number; is_enabled: boolean; readiness_state_id: number | null }>;
}

export interface InventoryUpdate {
  products: SentProduct[];
  price_on_property?: number[];
  quantity_on_property?: number[];
  sku_on_property?: number[];
  readiness_state_on_property?: number[] | null;
}

const problem = (where: string, message: string) => etsyError(400, `There was a problem with ${where} : ${message}`);

function offeringProblem(state: ShopState, products: SentProduct[]): FakeAnswer | undefined {
  for (const [p, item] of products.entries()) {
    if (item.offerings.length !== 1) return problem(`/products/${p}/offerings`, 'must contain exactly one offering');
    const offer = item.offerings[0]!;
    const where = `/products/${p}/offerings/0`;
    if (offer.price < 0.2 || offer.price > 50_000)
      return problem(`${where}/price`, 'must be between 0.20 and 50000.00');
    if (offer.quantity < 0 || offer.quantity > 999) return problem(`${where}/quantity`, 'must be between 0 and 999');
    if (offer.readiness_state_id !== null && offer.readiness_state_id !== state.readinessStateId)
      return problem(`${where}/readiness_state_id`, `no processing profile ${offer.readiness_state_id} in this shop`);
  }
  return undefined;
}

const propertyKey = (item: SentProduct) =>
  (item.property_values ?? [])
    .map((value) => value.property_id)
    .sort((a, b) => a - b)
    .join(',');

function propertyProblem(products: SentProduct[]): FakeAnswer | undefined {
  const shape = propertyKey(products[0]!);
  const combinations = new Set<string>();
  for (const [p, item] of products.entries()) {
    const values = item.property_values ?? [];
    if (propertyKey(item) !== shape)
      return problem(`/products/${p}/property_values`, 'every product must have the same properties');
    if (values.length > 3) return problem(`/products/${p}/property_values`, 'a listing has at most 3 variations');
    if (new Set(values.map((value) => value.property_id)).size !== values.length)
      return problem(`/products/${p}/property_values`, 'a property appears twice');
    for (const [v, value] of values.entries()) {
      if (value.values.length === 0) return problem(`/products/${p}/property_values/${v}/values`, "can't be empty");
      if (value.values.some((text) => /[()]/.test(text)))
        return problem(`/products/${p}/property_values/${v}/values`, 'parentheses are not allowed');
    }
    const combination = JSON.stringify(
      [...values].sort((a, b) => a.property_id - b.property_id).map((value) => value.values),
    );
    if (shape !== '' && combinations.has(combination))
      return problem(`/products/${p}/property_values`, 'this combination of property values is already used');
    combinations.add(combination);
  }
  return undefined;
}

function sharingProblem(update: InventoryUpdate): FakeAnswer | undefined {
  const present = new Set((update.products[0]!.property_values ?? []).map((value) => value.property_id));
  const rules: Array<[keyof InventoryUpdate, (item: SentProduct) => unknown]> = [
    ['price_on_property', (item) => item.offerings[0]!.price],
    ['quantity_on_property', (item) => item.offerings[0]!.quantity],
    ['sku_on_property', (item) => item.sku ?? ''],
  ];
  for (const [field, read] of rules) {
    const ids = (update[field] as number[] | undefined) ?? [];
    if (ids.some((id) => !present.has(id))) return problem(`/${field}`, 'names a property the products do not have');
    if (present.size > 0 && ids.length === 0 && new Set(update.products.map(read)).size > 1)
      return problem(`/${field}`, `products differ but ${field} is empty`);
  }
  return undefined;
}

function storedValue(state: ShopState, value: SentValue): PropertyValue {
  return {
    property_id: value.property_id,
    property_name: value.property_name ?? null,
    scale_id: value.scale_id ?? null,
    scale_name: null,
    value_ids: value.value_ids.length > 0 ? value.value_ids : value.values.map(() => state.nextId('value')),
    values: value.values,
  };
}

function storedProduct(state: ShopState, item: SentProduct): Product {
  const offer = item.offerings[0]!;
  return {
    product_id: state.nextId('product'),
    sku: item.sku ?? '',
    is_deleted: false,
    property_values: (item.property_values ?? []).map((value) => storedValue(state, value)),
    offerings: [
      {
        offering_id: state.nextId('offering'),
        quantity: offer.quantity,
        is_enabled: offer.is_enabled,
        is_deleted: false,
        price: money(Math.round(offer.price * 100), state.currency),
        readiness_state_id: offer.readiness_state_id,
      },
    ],
  };
}

/** The inventory as getListingInventory and updateListingInventory answer it. */
export function inventoryAnswer(record: FakeListing): Inventory {
  return structuredClone(record.inventory);
}

/** Applies an update that passed the spec's schema; answers 400 for what Etsy refuses, else the new inventory. */
export function updateInventory(state: ShopState, record: FakeListing, update: InventoryUpdate): FakeAnswer {
  if (update.products.length === 0) return problem('/products', "can't be empty");
  const refused = offeringProblem(state, update.products) ?? propertyProblem(update.products) ?? sharingProblem(update);
  if (refused) return refused;
  const withProperties = (update.products[0]!.property_values ?? []).length > 0;
  const kept = withProperties ? update.products : update.products.slice(-1);
  record.inventory = {
    products: kept.map((item) => storedProduct(state, item)),
    price_on_property: update.price_on_property ?? [],
    quantity_on_property: update.quantity_on_property ?? [],
    sku_on_property: update.sku_on_property ?? [],
    readiness_state_on_property: update.readiness_state_on_property ?? [],
  };
  summarize(record, seconds(state.clock));
  countActive(state);
  return ok(inventoryAnswer(record));
}
