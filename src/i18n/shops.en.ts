import type { Message } from './index.ts';
import type { shopsEs } from './shops.es.ts';

/** English texts of the shops area; same keys and placeholders as shops.es.ts. */
export const shopsEn: Record<keyof typeof shopsEs, Message> = {};
