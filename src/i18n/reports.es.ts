/** Spanish texts of the reports area; spread into es.ts. Keys start with 'reports.'. */
export const reportsEs = {} as const;
