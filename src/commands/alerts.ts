import { enqueue } from '../chat/outbox/outbox.ts';
import { reply, text } from '../chat/reply.ts';
import type { Subscriptions } from '../chat/subscriptions.ts';
import type { LowStockNotifier } from '../domain/inventory/index.ts';
import { t } from '../i18n/index.ts';

/** Queues the low-stock alert to every chat subscribed to stock, in each chat's language, inside the caller's transaction. */
export function lowStockNotifier(subscriptions: Subscriptions): LowStockNotifier {
  return async (tx, alert) => {
    for (const chat of await subscriptions.subscribers('stock', tx)) {
      const message = reply(text(t(chat.locale, 'stock.low_alert', { ...alert })));
      await enqueue(tx, chat, message, chat.locale, `low-stock:${alert.productId}:${chat.platform}:${chat.chatId}:${Date.now()}`);
    }
  };
}
