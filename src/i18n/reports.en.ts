import type { Message } from './index.ts';
import type { reportsEs } from './reports.es.ts';

/** English texts of the reports area; same keys and placeholders as reports.es.ts. */
export const reportsEn: Record<keyof typeof reportsEs, Message> = {};
