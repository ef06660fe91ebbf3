export { createSearchPages, type SearchPages, type SortOrder } from './aliexpress/pages.ts';
export type { SupplierItem } from './aliexpress/parse.ts';
export type { Criteria } from './criteria.ts';
export { createSupplierSearch, type ResultPage, type SupplierSearch } from './search.ts';
