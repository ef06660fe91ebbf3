import type { Message } from './index.ts';
import type { shopsEs } from './shops.es.ts';

/** English texts of the shops area; same keys and placeholders as shops.es.ts. */
export const shopsEn: Record<keyof typeof shopsEs, Message> = {
  'shops.etsyFailed': 'Etsy did not answer properly ({status}). Try again in a few minutes.',
  'shops.etsyUnreachable': 'Could not reach Etsy. Check the connection and try again.',
  'shops.etsyDailyBudget':
    "Sync stopped: {remaining} of today's Etsy calls are left and kept for what is urgent. It carries on when Etsy renews the allowance.",
  'shops.etsyUnauthorized': 'Etsy did not accept the shop connection. Connect it again with /connect etsy.',
};
