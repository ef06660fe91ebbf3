export { createSearchPages, type SearchPages, type SortOrder } from './aliexpress/pages.ts';
export type { SupplierItem } from './aliexpress/parse.ts';
export type { Criteria } from './criteria.ts';
export { createSupplierSearch, type ResultPage, type SupplierSearch } from './search.ts';
export { createSavedFilters, type FilterNotifier, type SavedFilter, type SavedFilters } from './saved-filters.ts';
export type { StoredItem } from './search.ts';
