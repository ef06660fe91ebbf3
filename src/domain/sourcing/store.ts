import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { rawRows } from '../../../db/raw.ts';
import type { supplierProducts } from '../../../db/schema/sourcing.ts';
import type { SupplierItem } from './types.ts';

/**
 * Records items as seen now: one row per (source, external id), refreshed in place, and a price history
 * row only when the price or availability changed (or the product is new). Answers the row ids in order.
 * Items from search results are on sale; a product check tells `available` itself. One statement for the
 * whole batch, rows in a fixed order so concurrent searches lock shared products alike; when a product
 * appears twice, its last sighting wins.
 */
export async function rememberItems(db: Db, items: SupplierItem[], available = true): Promise<number[]> {
  if (items.length === 0) return [];
  const key = (source: string, externalId: string) => `${source}/${externalId}`;
  const latest = new Map(items.map((item) => [key(item.source, item.externalId), item]));
  const rows = [...latest.values()]
    .sort((a, b) => a.source.localeCompare(b.source) || a.externalId.localeCompare(b.externalId))
    .map((item) => ({
      source: item.source,
      external_id: item.externalId,
      title: item.title,
      price_minor: item.price.minor,
      currency: item.price.currency,
      original_price_minor: item.originalPrice?.minor ?? null,
      rating: item.rating ?? null,
      sold_count: item.soldCount ?? null,
      image_url: item.imageUrl ?? null,
      store_id: item.store?.id ?? null,
      store_name: item.store?.name ?? null,
      shipping_tags: item.shippingTags,
      category_id: item.categoryId ?? null,
      ship_days: item.shipDays ?? null,
      url: item.url,
    }));
  const saved = await rawRows<{ id: string; source: string; external_id: string }>(
    db,
    sql`
    with input as (
      select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(source text, external_id text, title text, price_minor bigint,
        currency text, original_price_minor bigint, rating text, sold_count integer, image_url text, store_id text, store_name text,
        shipping_tags jsonb, category_id text, ship_days integer, url text)),
    previous as (
      select p.id, p.price_minor, p.available from supplier_products p join input i on i.source = p.source and i.external_id = p.external_id),
    saved as (
      insert into supplier_products (source, external_id, title, price_minor, currency, original_price_minor, rating, sold_count,
        image_url, store_id, store_name, shipping_tags, category_id, ship_days, url, available, last_seen_at)
      select source, external_id, title, price_minor, currency, original_price_minor, rating, sold_count,
        image_url, store_id, store_name, shipping_tags, category_id, ship_days, url, ${available}, now()
      from input order by source, external_id
      on conflict (source, external_id) do update set
        title = excluded.title, price_minor = excluded.price_minor, currency = excluded.currency,
        original_price_minor = excluded.original_price_minor, rating = excluded.rating, sold_count = excluded.sold_count,
        image_url = excluded.image_url, store_id = excluded.store_id, store_name = excluded.store_name,
        shipping_tags = excluded.shipping_tags, category_id = coalesce(excluded.category_id, supplier_products.category_id),
        ship_days = coalesce(excluded.ship_days, supplier_products.ship_days), url = excluded.url, available = excluded.available, last_seen_at = now()
      returning id, source, external_id, price_minor, currency, available),
    history as (
      insert into supplier_price_history (supplier_product_id, price_minor, currency, available)
      select s.id, s.price_minor, s.currency, s.available from saved s left join previous p on p.id = s.id
      where p.id is null or p.price_minor <> s.price_minor or p.available <> s.available)
    select id, source, external_id from saved`,
  );
  const idOf = new Map(saved.map((row) => [key(row.source, row.external_id), Number(row.id)]));
  return items.map((item) => idOf.get(key(item.source, item.externalId)) as number);
}

/** Records that a product is no longer on sale (a history row when that is news). */
export async function markUnavailable(db: Db, supplierProductId: number): Promise<void> {
  await rawRows(
    db,
    sql`
    with changed as (
      update supplier_products set available = false, last_seen_at = now() where id = ${supplierProductId} and available returning id, price_minor, currency)
    insert into supplier_price_history (supplier_product_id, price_minor, currency, available) select id, price_minor, currency, false from changed`,
  );
}

/** A stored supplier product row as the item the sources return. */
export function storedItem(row: typeof supplierProducts.$inferSelect): SupplierItem {
  return {
    source: 'aliexpress',
    externalId: row.externalId,
    title: row.title,
    price: { minor: row.priceMinor, currency: row.currency },
    originalPrice:
      row.originalPriceMinor === null ? undefined : { minor: row.originalPriceMinor, currency: row.currency },
    rating: row.rating ?? undefined,
    soldCount: row.soldCount ?? undefined,
    imageUrl: row.imageUrl ?? undefined,
    store: row.storeId === null ? undefined : { id: row.storeId, name: row.storeName ?? '' },
    shippingTags: row.shippingTags,
    categoryId: row.categoryId ?? undefined,
    shipDays: row.shipDays ?? undefined,
    url: row.url,
  };
}
