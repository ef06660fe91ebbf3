import { z } from 'zod';
import { decimalMinor, type Money, minorDigits } from '../../../money.ts';
import type { SupplierItem } from '../types.ts';
import { blockedError, extractInitData, isBlockPage, unreadable } from './extract.ts';
import { canonicalProductId, productUrl } from './product-id.ts';
import { parseSoldCount } from './sold-count.ts';

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
  if (!Array.isArray(content)) throw unreadable('The item list has an unexpected shape');
  return content.flatMap((raw) => {
    const item = itemShape.safeParse(raw);
    // Ads and banners share the list; anything that is not a product with an exact price is skipped, never guessed.
    return item.success ? toItem(item.data) : [];
  });
}

function toItem(item: z.infer<typeof itemShape>): SupplierItem[] {
  const { salePrice, originalPrice } = item.prices;
  const price = money(salePrice);
  if (!price) return [];
  const id = canonicalProductId(item.productId);
  const tags = (item.sellingPoints ?? [])
    .map((point) => point.tagContent?.tagText?.trim())
    .filter((tag): tag is string => Boolean(tag));
  return [
    {
      source: 'aliexpress',
      externalId: id,
      title: item.title.displayTitle.trim(),
      price,
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
    },
  ];
}

/** Exact minor units: `cent` where the currency has cents, else the decimal as written; never through float arithmetic. */
function money(price: z.infer<typeof priceShape>): Money | undefined {
  const currency = price.currencyCode;
  const minor =
    minorDigits(currency) === 2 && price.cent !== undefined
      ? price.cent
      : decimalMinor(String(price.minPrice), currency);
  return minor === undefined ? undefined : { minor, currency };
}

export function absolute(url: string): string {
  return url.startsWith('//') ? `https:${url}` : url;
}
