import { z } from 'zod';
import { AppError } from '../../../errors.ts';
import { type Money, minorDigits } from '../../../money.ts';
import { blockedError, extractInitData, isBlockPage } from './extract.ts';
import { canonicalProductId, productUrl } from './product-id.ts';
import { parseSoldCount } from './sold-count.ts';

/** One supplier product as bodega stores it, whatever the source. */
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

const priceShape = z.looseObject({
  minPrice: z.number(),
  currencyCode: z.string().regex(/^[A-Z]{3}$/),
  cent: z.number().int().optional(),
});
const itemShape = z.looseObject({
  productId: z
    .union([z.string(), z.number()])
    .transform(String)
    .pipe(z.string().regex(/^\d{1,20}$/)),
  title: z.looseObject({ displayTitle: z.string().min(1) }),
  prices: z.looseObject({ salePrice: priceShape, originalPrice: priceShape.optional() }),
  image: z.looseObject({ imgUrl: z.string() }).optional(),
  evaluation: z.looseObject({ starRating: z.number() }).optional(),
  trade: z.looseObject({ tradeDesc: z.string().optional() }).optional(),
  store: z
    .looseObject({
      storeId: z.union([z.string(), z.number()]).transform(String),
      storeName: z.string(),
      storeUrl: z.string().optional(),
    })
    .optional(),
  trace: z.looseObject({ exposure: z.looseObject({ postCategoryId: z.string().optional() }).optional() }).optional(),
  sellingPoints: z
    .array(z.looseObject({ tagContent: z.looseObject({ tagText: z.string().optional() }).optional() }))
    .optional(),
});

/** Parses a search results page into items; a block page is `upstream_blocked`, anything else unreadable `upstream_failed`. */
export function parseSearchPage(html: string): SupplierItem[] {
  if (isBlockPage(html)) throw blockedError();
  const data = extractInitData(html) as {
    data?: { root?: { fields?: { mods?: { itemList?: { content?: unknown } } } } };
  };
  const content = data?.data?.root?.fields?.mods?.itemList?.content;
  if (content === undefined) return [];
  if (!Array.isArray(content))
    throw new AppError('upstream_failed', 'The item list has an unexpected shape', { source: 'AliExpress' });
  return content.flatMap((raw) => {
    const item = itemShape.safeParse(raw);
    // Ads and banners share the list; anything that is not a product with a price is skipped, never guessed.
    return item.success ? [toItem(item.data)] : [];
  });
}

function toItem(item: z.infer<typeof itemShape>): SupplierItem {
  const { salePrice, originalPrice } = item.prices;
  const id = canonicalProductId(item.productId);
  const tags = (item.sellingPoints ?? [])
    .map((point) => point.tagContent?.tagText?.trim())
    .filter((tag): tag is string => Boolean(tag));
  return {
    source: 'aliexpress',
    externalId: id,
    title: item.title.displayTitle.trim(),
    price: money(salePrice),
    originalPrice: originalPrice ? money(originalPrice) : undefined,
    rating: item.evaluation ? String(item.evaluation.starRating) : undefined,
    soldCount: parseSoldCount(item.trade?.tradeDesc),
    imageUrl: item.image ? absolute(item.image.imgUrl) : undefined,
    store: item.store
      ? {
          id: item.store.storeId,
          name: item.store.storeName,
          url: item.store.storeUrl ? absolute(item.store.storeUrl) : undefined,
        }
      : undefined,
    shippingTags: tags.filter((tag) => /shipping|env[ií]o|delivery|entrega/i.test(tag)),
    categoryId: item.trace?.exposure?.postCategoryId || undefined,
    url: productUrl(id),
  };
}

/** Exact minor units: `cent` where the currency has cents, else the price rounded to the currency's digits. */
function money(price: z.infer<typeof priceShape>): Money {
  const digits = minorDigits(price.currencyCode);
  const minor = digits === 2 && price.cent !== undefined ? price.cent : Math.round(price.minPrice * 10 ** digits);
  return { minor, currency: price.currencyCode };
}

export function absolute(url: string): string {
  return url.startsWith('//') ? `https:${url}` : url;
}
