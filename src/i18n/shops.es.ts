/** Spanish texts of the shops area; spread into es.ts. Keys start with 'shops.'. */
export const shopsEs = {} as const;
