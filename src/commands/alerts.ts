import { enqueue } from '../chat/outbox/outbox.ts';
import { alert, bold, link, reply, text } from '../chat/reply.ts';
import type { Subscriptions } from '../chat/subscriptions.ts';
import type { Clock } from '../clock.ts';
import type { LowStockNotifier } from '../domain/inventory/index.ts';
import type { Settings } from '../domain/settings/index.ts';
import type { FilterNotifier, WatchAlert, WatchNotifier } from '../domain/sourcing/index.ts';
import { type Locale, type Translate, translator } from '../i18n/index.ts';
import { itemBlock } from './search.ts';

type ShopSettings = Pick<Settings, 'current'>;

/** A translator for an alert's chat, by the shop's conventions as they are now. */
async function speaker(settings: ShopSettings, locale: Locale): Promise<Translate> {
  return translator(locale, await settings.current());
}

/** Queues the low-stock alert to every chat subscribed to stock, in each chat's language, inside the caller's transaction. */
export function lowStockNotifier(subscriptions: Subscriptions, settings: ShopSettings, clock: Clock): LowStockNotifier {
  return async (tx, details) => {
    for (const chat of await subscriptions.subscribers('stock', tx)) {
      const t = await speaker(settings, chat.locale);
      const message = alert(reply(text(t('stock.low_alert', { ...details }))));
      await enqueue(
        tx,
        chat,
        message,
        chat.locale,
        `low-stock:${details.productId}:${chat.platform}:${chat.chatId}:${clock.now().getTime()}`,
      );
    }
  };
}

/** Posts a saved filter's new products to its chat, in the filter's language, inside the caller's transaction. */
export function filterNotifier(settings: ShopSettings): FilterNotifier {
  return async (tx, filter, items, runKey) => {
    const t = await speaker(settings, filter.locale);
    const message = alert(
      reply(
        text(bold(t('filter.new', { name: filter.name, count: items.length }))),
        ...items.map((item, i) => itemBlock(item, `${i + 1}. `, t)),
      ),
    );
    await enqueue(tx, { platform: filter.platform, chatId: filter.chatId }, message, filter.locale, runKey);
  };
}

/** Posts a watch's alerts from one check as one message to its chat, in the watch's language, inside the caller's transaction. */
export function watchNotifier(settings: ShopSettings): WatchNotifier {
  return async (tx, watch, alerts, key) => {
    const t = await speaker(settings, watch.locale);
    const lines = alerts.map((change) => watchAlertLine(change, t));
    const message = alert(
      reply(
        text('🔔 ', bold(t('watch.alert_title', { id: watch.id, title: watch.title }))),
        text(lines.join('\n'), '\n', link(t('search.open'), watch.url)),
      ),
    );
    await enqueue(tx, { platform: watch.platform, chatId: watch.chatId }, message, watch.locale, key);
  };
}

function watchAlertLine(change: WatchAlert, t: Translate): string {
  switch (change.kind) {
    case 'below':
      return t('watch.alert_below', { price: t.money(change.price), target: t.money(change.target) });
    case 'change':
      return t('watch.alert_change', {
        from: t.money(change.from),
        to: t.money(change.to),
        percent: `${change.percent > 0 ? '+' : ''}${t.number(change.percent)}`,
      });
    case 'unavailable':
      return t('watch.alert_unavailable');
    case 'back':
      return t('watch.alert_back', { price: t.money(change.price) });
  }
}
