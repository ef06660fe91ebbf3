import { enqueue } from '../chat/outbox/outbox.ts';
import { bold, link, reply, text } from '../chat/reply.ts';
import type { Subscriptions } from '../chat/subscriptions.ts';
import type { Clock } from '../clock.ts';
import type { LowStockNotifier } from '../domain/inventory/index.ts';
import type { FilterNotifier, WatchAlert, WatchNotifier } from '../domain/sourcing/index.ts';
import { type Locale, type Translate, t, translator } from '../i18n/index.ts';
import { formatMoney, type Money } from '../money.ts';
import { itemBlock } from './search.ts';

/** Queues the low-stock alert to every chat subscribed to stock, in each chat's language, inside the caller's transaction. */
export function lowStockNotifier(subscriptions: Subscriptions, clock: Clock): LowStockNotifier {
  return async (tx, alert) => {
    for (const chat of await subscriptions.subscribers('stock', tx)) {
      const message = reply(text(t(chat.locale, 'stock.low_alert', { ...alert })));
      await enqueue(
        tx,
        chat,
        message,
        chat.locale,
        `low-stock:${alert.productId}:${chat.platform}:${chat.chatId}:${clock.now().getTime()}`,
      );
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

/** Posts a watch's alerts from one check as one message to its chat, in the watch's language, inside the caller's transaction. */
export function watchNotifier(): WatchNotifier {
  return async (tx, watch, alerts, key) => {
    const say = translator(watch.locale);
    const lines = alerts.map((alert) => watchAlertLine(alert, say, watch.locale));
    const message = reply(
      text('🔔 ', bold(say('watch.alert_title', { id: watch.id, title: watch.title }))),
      text(lines.join('\n'), '\n', link(say('search.open'), watch.url)),
    );
    await enqueue(tx, { platform: watch.platform, chatId: watch.chatId }, message, watch.locale, key);
  };
}

function watchAlertLine(alert: WatchAlert, say: Translate, locale: Locale): string {
  const money = (value: Money) => formatMoney(value.minor, value.currency, locale);
  switch (alert.kind) {
    case 'below':
      return say('watch.alert_below', { price: money(alert.price), target: money(alert.target) });
    case 'change':
      return say('watch.alert_change', {
        from: money(alert.from),
        to: money(alert.to),
        percent: `${alert.percent > 0 ? '+' : ''}${alert.percent}`,
      });
    case 'unavailable':
      return say('watch.alert_unavailable');
    case 'back':
      return say('watch.alert_back', { price: money(alert.price) });
  }
}
