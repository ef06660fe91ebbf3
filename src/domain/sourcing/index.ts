export { productIdFrom } from './aliexpress/product-id.ts';
export { createSupplierSource, type SupplierSource } from './aliexpress/source.ts';
export type { Criteria } from './criteria.ts';
export { createSavedFilters, type FilterNotifier, type SavedFilter, type SavedFilters } from './saved-filters.ts';
export { createSupplierSearch, type ResultPage, type StoredItem, type SupplierSearch } from './search.ts';
export type { SortOrder, SupplierItem } from './types.ts';
export {
  createWatches,
  DEFAULT_CHANGE_PERCENT,
  type Watch,
  type WatchAlert,
  type Watches,
  type WatchNotifier,
} from './watches.ts';
