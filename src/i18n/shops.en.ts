import type { Message } from './index.ts';
import type { shopsEs } from './shops.es.ts';

/** English texts of the shops area; same keys and placeholders as shops.es.ts. */
export const shopsEn: Record<keyof typeof shopsEs, Message> = {
  'shops.etsyFailed': 'Etsy did not answer properly ({status}). Try again in a few minutes.',
  'shops.etsyUnreachable': 'Could not reach Etsy. Check the connection and try again.',
  'shops.etsyDailyBudget':
    "Sync stopped: {remaining} of today's Etsy calls are left and kept for what is urgent. It carries on when Etsy renews the allowance.",
  'shops.etsyUnauthorized': 'Etsy did not accept the shop connection. Connect it again with /connect etsy.',
  'shops.none': 'No shop is connected. Connect one with /connect etsy.',
  'shops.noShop': 'That Etsy account has no shop.',
  'shops.notConfigured': 'Etsy is not configured: set ETSY_API_KEY and ETSY_SHARED_SECRET.',
  'shops.noKey': 'ENCRYPTION_KEY is missing: without it the shop’s credentials cannot be stored.',
  'shops.syncRunning': 'A sync of {shop} is already running; wait for it to finish.',
  'shops.unknown': 'No connected shop is called {shop}. See /shops.',
  'shops.connect_link': 'Open this link to connect your Etsy shop (it works once and expires at {expires}):',
  'shops.connect_open': 'Connect with Etsy',
  'shops.connected': 'Connected: {shop}',
  'shops.broken':
    'The connection to {shop} on Etsy stopped working: Etsy no longer accepts the permission. Connect it again with /connect etsy.',
  'shops.disconnected': 'Disconnected: {shop}. Its products and sales stay in bodega.',
  'shops.list_empty': 'No shops are connected. Connect one with /connect etsy.',
  'shops.list_title': 'Connected shops:',
  'shops.status_active': 'connected',
  'shops.status_broken': 'no permission: connect it again with /connect etsy',
  'shops.never_synced': 'not synced yet',
  'shops.last_sync': 'last sync {when}: {counts}',
  'shops.last_sync_failed': 'last sync {when} failed: {error}',
  'shops.counts': 'read {read}, new {created}, changed {changed}, unchanged {unchanged}, failed {failed}',
  'shops.progress_receipts': 'reading Etsy orders ({done})',
  'shops.progress_listings': 'listings {done} of {total}',
  'shops.progress_sales': 'recording sales {done} of {total}',
  'shops.synced': '✅ {shop} synced: {counts}; {calls} Etsy calls.',
  'shops.sync_failed': '⚠️ {shop} was not synced: {error}',
  'shops.page_connected': 'Connected: {shop}. You can close this page and go back to the chat.',
  'shops.page_bad_state':
    'This connection link is not valid or was already used. Ask for a new one with /connect etsy.',
  'shops.page_expired': 'This connection link has expired (it lasts 10 minutes). Ask for a new one with /connect etsy.',
  'shops.page_denied':
    'The shop was not connected: permission was not given on Etsy. You can try again with /connect etsy.',
  'shops.page_failed': 'The connection with Etsy could not be finished. Try again with /connect etsy.',
  'shops.page_title': 'bodega · Etsy',
};
