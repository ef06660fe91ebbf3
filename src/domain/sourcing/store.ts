import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import type { SupplierItem } from './aliexpress/parse.ts';

/**
 * Records items as seen now: one row per (source, external id), refreshed in place, and a price history
 * row only when the price or availability changed (or the product is new). Answers the row ids in order.
 */
export async function rememberItems(db: Db, items: SupplierItem[]): Promise<number[]> {
  const ids: number[] = [];
  for (const item of items) {
    const [row] = (await db.execute(sql`
      with previous as (
        select id, price_minor, available from supplier_products where source = ${item.source} and external_id = ${item.externalId}),
      saved as (
        insert into supplier_products (source, external_id, title, price_minor, currency, original_price_minor, rating, sold_count,
          image_url, store_id, store_name, shipping_tags, url, available, last_seen_at)
        values (${item.source}, ${item.externalId}, ${item.title}, ${item.price.minor}, ${item.price.currency}, ${item.originalPrice?.minor ?? null},
          ${item.rating ?? null}, ${item.soldCount ?? null}, ${item.imageUrl ?? null}, ${item.store?.id ?? null}, ${item.store?.name ?? null},
          ${JSON.stringify(item.shippingTags)}::jsonb, ${item.url}, true, now())
        on conflict (source, external_id) do update set
          title = excluded.title, price_minor = excluded.price_minor, currency = excluded.currency,
          original_price_minor = excluded.original_price_minor, rating = excluded.rating, sold_count = excluded.sold_count,
          image_url = excluded.image_url, store_id = excluded.store_id, store_name = excluded.store_name,
          shipping_tags = excluded.shipping_tags, url = excluded.url, available = true, last_seen_at = now()
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
