import { AppError } from '../../../errors.ts';

/**
 * Search pages number some items in a second id space: 2^51 above the product id that item pages,
 * the product API and the affiliate API use (the real fixture's 3256807407300419 is product
 * 1005007593615171, which the same item names as its `x_object_id`). bodega stores the product id,
 * so a product found by a search and one pasted as a link are the same row.
 */
const SEARCH_ID_OFFSET = 2n ** 51n;

export function canonicalProductId(id: string): string {
  const value = BigInt(id);
  return (value >= SEARCH_ID_OFFSET ? value - SEARCH_ID_OFFSET : value).toString();
}

export function productUrl(id: string): string {
  return `https://www.aliexpress.com/item/${id}.html`;
}

/** The product id in an AliExpress link (`…/item/1005….html`, any country site) or a bare id; `invalid_input` otherwise. */
export function productIdFrom(input: string): string {
  const text = input.trim();
  const bare = text.match(/^\d{6,20}$/);
  const linked = text.match(
    /^(?:https?:\/\/)?(?:[a-z]{2,3}\.|www\.|m\.)?aliexpress\.[a-z.]{2,6}\/item\/(?:[^/?#]*\/)?(\d{6,20})\.html(?:[?#].*)?$/i,
  );
  const id = bare?.[0] ?? linked?.[1];
  if (!id)
    throw new AppError('invalid_input', `Not an AliExpress product: ${text}`, { value: text }, 'watch.bad_product');
  return canonicalProductId(id);
}
