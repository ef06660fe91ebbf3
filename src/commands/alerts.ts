import { enqueue } from '../chat/outbox/outbox.ts';
import { bold, reply, text } from '../chat/reply.ts';
import type { Subscriptions } from '../chat/subscriptions.ts';
import type { LowStockNotifier } from '../domain/inventory/index.ts';
import type { FilterNotifier } from '../domain/sourcing/index.ts';
import { t, translator } from '../i18n/index.ts';
import { itemBlock } from './search.ts';

/** Queues the low-stock alert to every chat subscribed to stock, in each chat's language, inside the caller's transaction. */
export function lowStockNotifier(subscriptions: Subscriptions): LowStockNotifier {
  return async (tx, alert) => {
    for (const chat of await subscriptions.subscribers('stock', tx)) {
      const message = reply(text(t(chat.locale, 'stock.low_alert', { ...alert })));
      await enqueue(tx, chat, message, chat.locale, `low-stock:${alert.productId}:${chat.platform}:${chat.chatId}:${Date.now()}`);
    }
  };
}

/** Posts a saved filter's new products to its chat, in the filter's language, inside the caller's transaction. */
export function filterNotifier(): FilterNotifier {
  return async (tx, filter, items, runKey) => {
    const message = reply(
      text(bold(t(filter.locale, 'filter.new', { name: filter.name, count: items.length }))),
      ...items.map((item, i) => itemBlock(item, `${i + 1}. `, translator(filter.locale), filter.locale)),
    );
    await enqueue(tx, { platform: filter.platform, chatId: filter.chatId }, message, filter.locale, runKey);
  };
}
