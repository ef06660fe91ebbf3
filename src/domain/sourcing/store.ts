import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import type { SupplierItem } from './aliexpress/parse.ts';

/**
 * Records items as seen now: one row per (source, external id), refreshed in place, and a price history
 * row only when the price or availability changed (or the product is new). Answers the row ids in order.
 * Items from search results are on sale; a product check tells `available` itself.
 */
export async function rememberItems(db: Db, items: SupplierItem[], available = true): Promise<number[]> {
  const ids: number[] = [];
  for (const item of items) {
    const [row] = (await db.execute(sql`
      with previous as (
        select id, price_minor, available from supplier_products where source = ${item.source} and external_id = ${item.externalId}),
      saved as (
        insert into supplier_products (source, external_id, title, price_minor, currency, original_price_minor, rating, sold_count,
          image_url, store_id, store_name, shipping_tags, category_id, ship_days, url, available, last_seen_at)
        values (${item.source}, ${item.externalId}, ${item.title}, ${item.price.minor}, ${item.price.currency}, ${item.originalPrice?.minor ?? null},
          ${item.rating ?? null}, ${item.soldCount ?? null}, ${item.imageUrl ?? null}, ${item.store?.id ?? null}, ${item.store?.name ?? null},
          ${JSON.stringify(item.shippingTags)}::jsonb, ${item.categoryId ?? null}, ${item.shipDays ?? null}, ${item.url}, ${available}, now())
        on conflict (source, external_id) do update set
          title = excluded.title, price_minor = excluded.price_minor, currency = excluded.currency,
          original_price_minor = excluded.original_price_minor, rating = excluded.rating, sold_count = excluded.sold_count,
          image_url = excluded.image_url, store_id = excluded.store_id, store_name = excluded.store_name,
          shipping_tags = excluded.shipping_tags, category_id = coalesce(excluded.category_id, supplier_products.category_id),
          ship_days = coalesce(excluded.ship_days, supplier_products.ship_days), url = excluded.url, available = excluded.available, last_seen_at = now()
        returning id, price_minor, currency, available),
      history as (
        insert into supplier_price_history (supplier_product_id, price_minor, currency, available)
        select saved.id, saved.price_minor, saved.currency, saved.available from saved left join previous on true
        where previous.id is null or previous.price_minor <> saved.price_minor or previous.available <> saved.available
        returning 1)
      select saved.id, (select count(*) from history) as changed from saved`)) as unknown as Array<{ id: string }>;
    ids.push(Number(row?.id));
  }
  return ids;
}

/** Records that a product is no longer on sale (a history row when that is news). */
export async function markUnavailable(db: Db, supplierProductId: number): Promise<void> {
  await db.execute(sql`
    with changed as (
      update supplier_products set available = false, last_seen_at = now() where id = ${supplierProductId} and available returning id, price_minor, currency)
    insert into supplier_price_history (supplier_product_id, price_minor, currency, available) select id, price_minor, currency, false from changed`);
}
