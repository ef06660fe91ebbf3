import { z } from 'zod';
import { minorDigits } from '../../../money.ts';

// The parts of Etsy's Open API v3 answers bodega reads (ShopListing with its ListingInventory, ShopReceipt with
// its transactions), checked with zod at the edge; everything else Etsy sends passes through untouched.

const money = z.object({ amount: z.number().int(), divisor: z.number().int().positive(), currency_code: z.string() });

const propertyValue = z
  .object({
    property_id: z.number().int(),
    property_name: z.string().nullable().optional(),
    scale_id: z.number().int().nullable().optional(),
    value_ids: z.array(z.number().int()),
    values: z.array(z.string()),
  })
  .passthrough();

const offering = z
  .object({
    quantity: z.number().int(),
    is_enabled: z.boolean(),
    is_deleted: z.boolean().optional(),
    price: money,
    readiness_state_id: z.number().int().nullable().optional(),
  })
  .passthrough();

const product = z
  .object({
    sku: z.string().nullable().optional(),
    is_deleted: z.boolean().optional(),
    offerings: z.array(offering),
    property_values: z.array(propertyValue),
  })
  .passthrough();

export const inventorySchema = z
  .object({
    products: z.array(product),
    price_on_property: z.array(z.number().int()).optional(),
    quantity_on_property: z.array(z.number().int()).optional(),
    sku_on_property: z.array(z.number().int()).optional(),
    readiness_state_on_property: z.array(z.number().int()).nullable().optional(),
  })
  .passthrough();

export type EtsyInventory = z.infer<typeof inventorySchema>;

export const listingSchema = z
  .object({ listing_id: z.number().int(), title: z.string(), state: z.string(), inventory: inventorySchema })
  .passthrough();

export const receiptSchema = z
  .object({
    receipt_id: z.number().int(),
    status: z.string(),
    is_paid: z.boolean(),
    is_shipped: z.boolean(),
    updated_timestamp: z.number().int().nullable().optional(),
    transactions: z.array(
      z
        .object({
          transaction_id: z.number().int(),
          listing_id: z.number().int().nullable(),
          sku: z.string().nullable().optional(),
          quantity: z.number().int(),
          price: money,
          variations: z
            .array(z.object({ property_id: z.number().int(), value_id: z.number().int().nullable() }).passthrough())
            .optional(),
        })
        .passthrough(),
    ),
  })
  .passthrough();

export type EtsyReceipt = z.infer<typeof receiptSchema>;

/** Exact minor units of an Etsy Money (amount / divisor), or undefined when it does not fit the currency's digits. */
export function minorOf(value: z.infer<typeof money>): number | undefined {
  const scale = 10 ** minorDigits(value.currency_code);
  const scaled = value.amount * scale;
  return scaled % value.divisor === 0 ? scaled / value.divisor : undefined;
}

/** A variation's key, stable across Etsy's renumbering of products: its property and value ids, sorted. */
export function variantKey(values: Array<{ property_id: number; value_ids: number[] }>): string {
  return [...values]
    .sort((a, b) => a.property_id - b.property_id)
    .map((value) => `${value.property_id}:${value.value_ids.join('+')}`)
    .join(',');
}

/** One product of a listing as bodega keeps it. */
export interface EtsyVariant {
  listingId: number;
  variant: string;
  sku: string;
  title: string;
  priceMinor: number;
  currency: string;
  /** What Etsy will sell now: the offering's quantity, 0 when it is switched off. */
  quantity: number;
}

/** The listing's products as bodega products: SKU from the offering's product, else `etsy-<listing id>[-values]`. */
export function variantsOf(listing: z.infer<typeof listingSchema>): { variants: EtsyVariant[]; failed: number } {
  const variants: EtsyVariant[] = [];
  let failed = 0;
  for (const item of listing.inventory.products) {
    const offer = item.offerings.find((candidate) => !candidate.is_deleted);
    if (item.is_deleted || !offer) continue;
    const priceMinor = minorOf(offer.price);
    const variant = variantKey(item.property_values);
    if (priceMinor === undefined) {
      failed += 1;
      continue;
    }
    const valueIds = item.property_values.flatMap((value) => value.value_ids).join('-');
    const fallback = `etsy-${listing.listing_id}${valueIds ? `-${valueIds}` : ''}`;
    variants.push({
      listingId: listing.listing_id,
      variant,
      sku: (item.sku ?? '').trim() || fallback,
      title: listing.title,
      priceMinor,
      currency: offer.price.currency_code,
      quantity: offer.is_enabled ? Math.max(0, offer.quantity) : 0,
    });
  }
  return { variants, failed };
}

/**
 * The body updateListingInventory takes, from the inventory as Etsy answered it: every product with every property
 * and its offering (Etsy drops what is left out, variations included), read-only fields removed, prices as decimals,
 * and the quantities `quantityOf` gives (undefined keeps Etsy's).
 */
export function inventoryUpdate(inventory: EtsyInventory, quantityOf: (variant: string) => number | undefined) {
  const products = inventory.products
    .filter((item) => !item.is_deleted)
    .map((item) => ({
      sku: item.sku ?? '',
      property_values: item.property_values.map((value) => ({
        property_id: value.property_id,
        ...(value.property_name ? { property_name: value.property_name } : {}),
        ...(value.scale_id !== undefined && value.scale_id !== null ? { scale_id: value.scale_id } : {}),
        value_ids: value.value_ids,
        values: value.values,
      })),
      offerings: item.offerings
        .filter((offer) => !offer.is_deleted)
        .map((offer) => ({
          price: offer.price.amount / offer.price.divisor,
          quantity: offer.is_enabled
            ? Math.min(999, quantityOf(variantKey(item.property_values)) ?? offer.quantity)
            : offer.quantity,
          is_enabled: offer.is_enabled,
          readiness_state_id: offer.readiness_state_id ?? null,
        })),
    }));
  return {
    products,
    price_on_property: inventory.price_on_property ?? [],
    quantity_on_property: inventory.quantity_on_property ?? [],
    sku_on_property: inventory.sku_on_property ?? [],
    ...(inventory.readiness_state_on_property
      ? { readiness_state_on_property: inventory.readiness_state_on_property }
      : {}),
  };
}
