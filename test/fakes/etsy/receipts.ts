// Receipts (orders) built on the real getShopReceipts answer in test/fixtures/etsy: each receipt and transaction is
// that record with its ids, buyer, lines, money and state replaced, so every field Etsy sends is there in Etsy's
// form. Status reads as Etsy writes it ("Paid", "Fully Refunded"), not as the spec's lowercase enum does.
import { readFileSync } from 'node:fs';
import {
  type FakeListing,
  findProduct,
  type Money,
  money,
  type Product,
  type ShopState,
  seconds,
  summarize,
} from './catalogue.ts';

type Json = Record<string, any>;

export type ReceiptStatus =
  | 'paid'
  | 'completed'
  | 'open'
  | 'payment processing'
  | 'canceled'
  | 'fully refunded'
  | 'partially refunded';

const sample = JSON.parse(
  readFileSync(new URL('../../fixtures/etsy/etsy-getShopReceipts-response.sample.json', import.meta.url), 'utf8'),
).results[0] as Json;

const SHIPPING = 450;

export interface Line {
  record: FakeListing;
  product: Product;
  quantity: number;
}

const titleCase = (status: ReceiptStatus) => status.replace(/\b\w/g, (letter) => letter.toUpperCase());

function transaction(state: ShopState, receiptId: number, buyerId: number, line: Line, at: number): Json {
  const { listing } = line.record;
  const offering = line.product.offerings[0]!;
  return {
    ...structuredClone(sample.transactions[0]),
    transaction_id: state.nextId('transaction'),
    title: listing.title,
    description: listing.description,
    seller_user_id: state.ownerUserId,
    buyer_user_id: buyerId,
    create_timestamp: at,
    created_timestamp: at,
    paid_timestamp: null,
    shipped_timestamp: null,
    quantity: line.quantity,
    listing_image_id: null,
    receipt_id: receiptId,
    listing_id: listing.listing_id,
    sku: line.product.sku,
    product_id: line.product.product_id,
    price: { ...offering.price },
    shipping_cost: money(0, state.currency),
    variations: line.product.property_values.map((value) => ({
      property_id: value.property_id,
      value_id: value.value_ids[0] ?? null,
      formatted_name: value.property_name ?? '',
      formatted_value: value.values.join(', '),
    })),
    product_data: structuredClone(line.product.property_values),
    shipping_profile_id: listing.shipping_profile_id,
    min_processing_days: listing.processing_min,
    max_processing_days: listing.processing_max,
    expected_ship_date: at + (listing.processing_max ?? 3) * 24 * 3600,
    buyer_coupon: 0,
    shop_coupon: 0,
  };
}

function totals(state: ShopState, lines: Json[]): Record<string, Money> {
  const items = lines.reduce((sum, line) => sum + line.price.amount * line.quantity, 0);
  const zero = money(0, state.currency);
  return {
    grandtotal: money(items + SHIPPING, state.currency),
    subtotal: money(items, state.currency),
    total_price: money(items, state.currency),
    total_shipping_cost: money(SHIPPING, state.currency),
    total_tax_cost: zero,
    total_vat_cost: zero,
    discount_amt: zero,
    gift_wrap_price: zero,
  };
}

/** Puts a receipt in `status` at `at`: flags, refunds, shipment and paid/shipped stamps follow from it. */
export function setStatus(receipt: Json, status: ReceiptStatus, at: number): void {
  const paid = !['open', 'payment processing'].includes(status);
  const shipped = status === 'completed';
  receipt.status = titleCase(status);
  receipt.is_paid = paid;
  receipt.is_shipped = shipped;
  receipt.update_timestamp = at;
  receipt.updated_timestamp = at;
  const refunded = { canceled: 1, 'fully refunded': 1, 'partially refunded': 0.5 }[status as string];
  receipt.refunds = refunded
    ? [
        {
          ...structuredClone(sample.refunds[0]),
          amount: { ...receipt.grandtotal, amount: Math.round(receipt.grandtotal.amount * refunded) },
          created_timestamp: at,
        },
      ]
    : [];
  receipt.shipments = shipped
    ? [
        {
          ...structuredClone(sample.shipments[0]),
          shipment_notification_timestamp: at,
          tracking_code: `TRK${receipt.receipt_id}`,
        },
      ]
    : [];
  for (const line of receipt.transactions) {
    line.paid_timestamp = paid ? (line.paid_timestamp ?? at) : null;
    line.shipped_timestamp = shipped ? at : null;
  }
}

/** A receipt for `lines` bought at `at` by buyer number `buyer`, stored in the shop. */
export function addReceipt(state: ShopState, lines: Line[], status: ReceiptStatus, at: number): Json {
  const receiptId = state.nextId('receipt');
  const buyerId = state.nextId('buyer');
  const buyer = `Buyer ${buyerId - 102_574_536}`;
  const transactions = lines.map((line) => transaction(state, receiptId, buyerId, line, at));
  const receipt: Json = {
    ...structuredClone(sample),
    receipt_id: receiptId,
    seller_user_id: state.ownerUserId,
    buyer_user_id: buyerId,
    name: buyer,
    first_line: 'Calle Mayor 1',
    city: 'Madrid',
    state: 'Madrid',
    zip: '28013',
    formatted_address: `${buyer}\nCalle Mayor 1\n28013 Madrid\nSpain`,
    country_iso: 'ES',
    create_timestamp: at,
    created_timestamp: at,
    ...totals(state, transactions),
    transactions,
  };
  setStatus(receipt, status, at);
  state.receipts.set(receiptId, receipt);
  return receipt;
}

const HISTORY: ReceiptStatus[] = [
  'paid',
  'completed',
  'paid',
  'canceled',
  'completed',
  'paid',
  'fully refunded',
  'paid',
  'partially refunded',
  'payment processing',
];

/** `count` past receipts over the shop's listings, one every half hour up to now, in a fixed mix of states. */
export function addHistory(state: ShopState, count: number): void {
  const records = [...state.listings.values()];
  if (records.length === 0) return;
  const now = seconds(state.clock);
  for (let k = 0; k < count; k += 1) {
    const pick = (n: number): Line => {
      const record = records[(k * 7 + n * 3) % records.length]!;
      const enabled = record.inventory.products.filter((item) => item.offerings[0]?.is_enabled);
      return { record, product: enabled[k % enabled.length]!, quantity: 1 + (k % 3 === 0 ? 1 : 0) };
    };
    const lines = k % 4 === 1 ? [pick(0), pick(1)] : [pick(0)];
    addReceipt(state, lines, HISTORY[k % HISTORY.length]!, now - (count - k) * 1800);
  }
}

export interface Purchase {
  listingId: number;
  quantity?: number;
  sku?: string;
  productId?: number;
  status?: ReceiptStatus;
}

/** A buyer checks out now: the offering's stock goes down and a paid receipt appears, as on Etsy. */
export function buy(state: ShopState, purchase: Purchase): Json {
  const record = state.listings.get(purchase.listingId);
  if (!record) throw new Error(`no listing ${purchase.listingId}`);
  const product = findProduct(record, purchase);
  const quantity = purchase.quantity ?? 1;
  const offering = product.offerings[0]!;
  if (offering.quantity < quantity) throw new Error(`listing ${purchase.listingId} has only ${offering.quantity} left`);
  const at = seconds(state.clock);
  offering.quantity -= quantity;
  summarize(record, at);
  state.shop.transaction_sold_count += quantity;
  return addReceipt(state, [{ record, product, quantity }], purchase.status ?? 'paid', at);
}
