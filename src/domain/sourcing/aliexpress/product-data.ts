import { z } from 'zod';
import { decimalMinor } from '../../../money.ts';
import type { SupplierItem } from '../types.ts';
import { unreadable } from './extract.ts';
import { absolute } from './parse.ts';
import { canonicalProductId, productUrl } from './product-id.ts';
import { parseSoldCount } from './sold-count.ts';

/** A product as its page shows it now: on sale (with its current item) or gone. */
export type ProductState =
  | { available: true; item: SupplierItem }
  | { available: false; item?: SupplierItem | undefined };

const text = z.string().min(1);
const resultShape = z.looseObject({
  PRODUCT_TITLE: z.looseObject({ text }).optional(),
  PRICE: z.looseObject({
    targetSkuPriceInfo: z.looseObject({
      salePriceLocal: z.string().regex(/^[^|]*\|\d+\|\d*\|?$/),
      originalPrice: z.looseObject({ currency: z.string().regex(/^[A-Z]{3}$/), value: z.number().optional() }),
    }),
  }),
  HEADER_IMAGE_PC: z.looseObject({ imagePathList: z.array(z.string()).optional() }).optional(),
  PC_RATING: z.looseObject({ rating: z.string().optional(), otherText: z.string().optional() }).optional(),
  QUANTITY_PC: z.looseObject({ totalAvailableInventory: z.number().optional() }).optional(),
  SHOP_CARD_PC: z
    .looseObject({
      storeName: z.string().optional(),
      sellerInfo: z
        .looseObject({
          storeNum: z.union([z.number(), z.string()]).transform(String).optional(),
          storeURL: z.string().optional(),
        })
        .optional(),
    })
    .optional(),
  GLOBAL_DATA: z.looseObject({
    globalData: z.looseObject({
      productId: z
        .union([z.string(), z.number()])
        .transform(String)
        .pipe(z.string().regex(/^\d{1,20}$/)),
      subject: z.string().optional(),
      categoryId: z.union([z.string(), z.number()]).transform(String).optional(),
      productInfo: z.looseObject({ hasStock: z.boolean().optional() }).optional(),
    }),
  }),
  SHIPPING: z
    .looseObject({
      originalLayoutResultList: z
        .array(
          z.looseObject({
            bizData: z
              .looseObject({ freightCommitDay: z.string().optional(), unreachable: z.boolean().optional() })
              .optional(),
          }),
        )
        .optional(),
    })
    .optional(),
});

/**
 * Maps the item page's product data (`data.result` of `mtop.aliexpress.pdp.pc.query`) to a product state.
 * The price is `salePriceLocal`, read as exact minor units. A product the
 * page says has no stock is unavailable; a shape we cannot read is `upstream_failed`, never a guess.
 */
export function parseProductData(result: unknown): ProductState {
  const parsed = resultShape.safeParse(result);
  if (!parsed.success) throw unreadable('The product data has an unexpected shape');
  const data = parsed.data;
  const global = data.GLOBAL_DATA.globalData;
  const price = data.PRICE.targetSkuPriceInfo;
  const currency = price.originalPrice.currency;
  const id = canonicalProductId(global.productId);
  const title = data.PRODUCT_TITLE?.text ?? global.subject;
  if (!title) throw unreadable('The product data has no title');
  // salePriceLocal is "<as shown>|<whole units>|<fraction>": "Rp343,297|343297|", "US $3.05|3|05".
  const [, whole, fraction] = price.salePriceLocal.split('|');
  const sale = decimalMinor(`${whole}.${fraction || '0'}`, currency);
  if (sale === undefined) throw unreadable('The product price has more decimals than its currency');
  const original =
    price.originalPrice.value === undefined ? undefined : decimalMinor(String(price.originalPrice.value), currency);
  const store = data.SHOP_CARD_PC;
  const shipping = data.SHIPPING?.originalLayoutResultList?.[0]?.bizData;
  const image = data.HEADER_IMAGE_PC?.imagePathList?.[0];
  const item: SupplierItem = {
    source: 'aliexpress',
    externalId: id,
    title: title.trim(),
    price: { minor: sale, currency },
    originalPrice: original !== undefined && original > sale ? { minor: original, currency } : undefined,
    rating: data.PC_RATING?.rating || undefined,
    soldCount: parseSoldCount(data.PC_RATING?.otherText),
    imageUrl: image ? absolute(image) : undefined,
    store:
      store?.sellerInfo?.storeNum && store.storeName
        ? {
            id: store.sellerInfo.storeNum,
            name: store.storeName,
            url: store.sellerInfo.storeURL ? absolute(store.sellerInfo.storeURL) : undefined,
          }
        : undefined,
    shippingTags: [],
    categoryId: global.categoryId,
    shipDays: shipping?.freightCommitDay && !shipping.unreachable ? Number(shipping.freightCommitDay) : undefined,
    url: productUrl(id),
  };
  const inStock = global.productInfo?.hasStock !== false && (data.QUANTITY_PC?.totalAvailableInventory ?? 1) > 0;
  return inStock ? { available: true, item } : { available: false, item };
}
