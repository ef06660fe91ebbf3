// The operations the fake serves, by Etsy's operationId. Each gets the request as the spec's validator coerced it
// (path and query parameters typed, the JSON body parsed) and the member the access token belongs to, and answers
// in the spec's response shape. An operation the spec has and this map lacks answers 501, never a made-up body.
import { etsyError, type FakeAnswer, ok } from './answer.ts';
import type { FakeListing, ShopState } from './catalogue.ts';
import { type InventoryUpdate, inventoryAnswer, updateInventory } from './inventory.ts';

type Json = Record<string, any>;

export interface RouteRequest {
  state: ShopState;
  params: Record<string, any>;
  query: Record<string, any>;
  body: unknown;
  /** The member whose access token came with the call, when one did. */
  userId?: number;
  applicationId: number;
}

export type Route = (request: RouteRequest) => FakeAnswer;

const SUPPORTED_INCLUDES = ['Inventory', 'Shop'];

/** Etsy answers newest first ("paginated by listing creation date"); the id breaks ties so pages never overlap. */
const newestFirst = (a: FakeListing, b: FakeListing) =>
  b.listing.created_timestamp - a.listing.created_timestamp || b.listing.listing_id - a.listing.listing_id;

function page<T>(items: T[], query: Json): { count: number; results: T[] } {
  const offset = query.offset ?? 0;
  return { count: items.length, results: items.slice(offset, offset + (query.limit ?? 25)) };
}

/** The shop in the path, or the answer Etsy gives for someone else's or no shop. */
function ownShop(request: RouteRequest): FakeAnswer | undefined {
  if (request.params.shop_id !== request.state.shop.shop_id)
    return etsyError(404, `Could not find a shop with shop_id = ${request.params.shop_id}`);
  if (request.userId !== undefined && request.userId !== request.state.ownerUserId)
    return etsyError(403, 'The access token does not belong to the owner of this shop');
  return undefined;
}

type Found<T> = { found: T } | { refused: FakeAnswer };

function ownListing(request: RouteRequest): Found<FakeListing> {
  const record = request.state.listings.get(request.params.listing_id);
  if (!record)
    return { refused: etsyError(404, `Could not find a listing with listing_id = ${request.params.listing_id}`) };
  if (request.userId !== record.listing.user_id)
    return { refused: etsyError(403, 'The access token does not belong to the owner of this listing') };
  return { found: record };
}

function withAssociations(state: ShopState, record: FakeListing, includes: string[]): Json {
  const listing: Json = structuredClone(record.listing);
  if (includes.includes('Inventory')) listing.inventory = inventoryAnswer(record);
  if (includes.includes('Shop')) listing.shop = structuredClone(state.shop);
  return listing;
}

function unsupportedIncludes(includes: string[]): FakeAnswer | undefined {
  const missing = includes.filter((name) => !SUPPORTED_INCLUDES.includes(name));
  return missing.length > 0 ? etsyError(501, `The Etsy fake does not serve includes=${missing.join(',')}`) : undefined;
}

const listingRoutes: Record<string, Route> = {
  getListingsByShop(request) {
    const includes: string[] = request.query.includes ?? [];
    const refused = ownShop(request) ?? unsupportedIncludes(includes);
    if (refused) return refused;
    const wanted = request.query.state ?? 'active';
    const records = [...request.state.listings.values()].filter((r) => r.listing.state === wanted).sort(newestFirst);
    const found = page(records, request.query);
    return ok({ count: found.count, results: found.results.map((r) => withAssociations(request.state, r, includes)) });
  },
  findAllActiveListingsByShop(request) {
    if (request.params.shop_id !== request.state.shop.shop_id)
      return etsyError(404, `Could not find a shop with shop_id = ${request.params.shop_id}`);
    const words = String(request.query.keywords ?? '')
      .toLowerCase()
      .split(/\s+/)
      .filter(Boolean);
    const records = [...request.state.listings.values()]
      .filter((r) => r.listing.state === 'active')
      .filter((r) => words.every((word) => `${r.listing.title} ${r.listing.description}`.toLowerCase().includes(word)))
      .sort(newestFirst);
    const found = page(records, request.query);
    return ok({ count: found.count, results: found.results.map((r) => structuredClone(r.listing)) });
  },
  getListing(request) {
    const includes: string[] = request.query.includes ?? [];
    const record = request.state.listings.get(request.params.listing_id);
    if (!record) return etsyError(404, `Could not find a listing with listing_id = ${request.params.listing_id}`);
    return unsupportedIncludes(includes) ?? ok(withAssociations(request.state, record, includes));
  },
  getListingInventory(request) {
    const record = ownListing(request);
    if ('refused' in record) return record.refused;
    const inventory: Json = inventoryAnswer(record.found);
    if (request.query.includes === 'Listing') inventory.listing = structuredClone(record.found.listing);
    return ok(inventory);
  },
  updateListingInventory(request) {
    const record = ownListing(request);
    if ('refused' in record) return record.refused;
    return updateInventory(request.state, record.found, request.body as InventoryUpdate);
  },
};

/** getShopReceipts' filters, as its parameters describe them. */
function receiptMatches(receipt: Json, query: Json): boolean {
  const status = String(receipt.status).toLowerCase();
  const checks: Array<[unknown, boolean]> = [
    [query.min_created, receipt.created_timestamp >= query.min_created],
    [query.max_created, receipt.created_timestamp <= query.max_created],
    [query.min_last_modified, receipt.updated_timestamp >= query.min_last_modified],
    [query.max_last_modified, receipt.updated_timestamp <= query.max_last_modified],
    [query.was_paid, receipt.is_paid === query.was_paid],
    [query.was_shipped, receipt.is_shipped === query.was_shipped],
    [query.was_delivered, (status === 'completed') === query.was_delivered],
    [query.was_canceled, (status === 'canceled') === query.was_canceled],
  ];
  return checks.every(([given, holds]) => given === undefined || given === null || holds);
}

function receiptOrder(query: Json): (a: Json, b: Json) => number {
  const field = { created: 'created_timestamp', updated: 'updated_timestamp', receipt_id: 'receipt_id' }[
    (query.sort_on ?? 'created') as 'created'
  ];
  const ascending = ['asc', 'ascending', 'up'].includes(query.sort_order ?? 'desc');
  return (a, b) => (ascending ? 1 : -1) * (a[field] - b[field] || a.receipt_id - b.receipt_id);
}

function findReceipt(request: RouteRequest): Found<Json> {
  const refused = ownShop(request);
  if (refused) return { refused };
  const receipt = request.state.receipts.get(request.params.receipt_id);
  if (!receipt)
    return { refused: etsyError(404, `Could not find a receipt with receipt_id = ${request.params.receipt_id}`) };
  return { found: receipt };
}

const receiptRoutes: Record<string, Route> = {
  getShopReceipts(request) {
    const refused = ownShop(request);
    if (refused) return refused;
    const receipts = [...request.state.receipts.values()]
      .filter((receipt) => receiptMatches(receipt, request.query))
      .sort(receiptOrder(request.query));
    const found = page(receipts, request.query);
    return ok({ count: found.count, results: structuredClone(found.results) });
  },
  getShopReceipt(request) {
    const receipt = findReceipt(request);
    return 'refused' in receipt ? receipt.refused : ok(structuredClone(receipt.found));
  },
  getShopReceiptTransactionsByReceipt(request) {
    const receipt = findReceipt(request);
    if ('refused' in receipt) return receipt.refused;
    return ok({ count: receipt.found.transactions.length, results: structuredClone(receipt.found.transactions) });
  },
};

const memberRoutes: Record<string, Route> = {
  ping: (request) => ok({ application_id: request.applicationId }),
  getMe(request) {
    const { state, userId } = request;
    return ok(userId === state.ownerUserId ? { user_id: userId, shop_id: state.shop.shop_id } : { user_id: userId });
  },
  getShop(request) {
    if (request.params.shop_id !== request.state.shop.shop_id)
      return etsyError(404, `Could not find a shop with shop_id = ${request.params.shop_id}`);
    return ok(structuredClone(request.state.shop));
  },
  getShopByOwnerUserId(request) {
    if (request.params.user_id !== request.state.ownerUserId)
      return etsyError(404, `User ${request.params.user_id} does not have a shop`);
    return ok(structuredClone(request.state.shop));
  },
};

export const routes: Record<string, Route> = { ...memberRoutes, ...listingRoutes, ...receiptRoutes };
