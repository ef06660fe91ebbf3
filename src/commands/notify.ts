import type { HeldMessages } from '../chat/outbox/outbox.ts';
import { reply, text } from '../chat/reply.ts';
import { type Topic, topics } from '../chat/subscriptions.ts';
import { atLeast } from '../domain/people/index.ts';
import type { Translate } from '../i18n/index.ts';
import { arg, defineCommand, optionalChoice } from './registry.ts';

/** What the owner's first linked chat receives without asking. */
export const DEFAULT_TOPICS: readonly Topic[] = ['stock', 'orders', 'reports'];

const topicChoice = optionalChoice({
  stock: { es: ['stock', 'inventario'], en: ['stock', 'inventory'] },
  orders: { es: 'pedidos', en: 'orders' },
  reports: { es: 'reportes', en: 'reports' },
  prices: { es: 'precios', en: 'prices' },
  filters: { es: 'filtros', en: 'filters' },
});

/** What this chat receives and how to change it, in one sentence each. */
export function alertsState(t: Translate, on: readonly Topic[]): string {
  if (on.length === 0) return t('notify.none');
  return t('notify.state', { topics: t.list(on.map((topic) => t(`notify.topic.${topic}`))) });
}

/** A held chat as the owner knows it: a WhatsApp number in E.164. */
const whoIs = (entry: HeldMessages) => (entry.platform === 'whatsapp' ? `+${entry.chatId}` : entry.chatId);

export const notifyCommand = defineCommand({
  name: 'notify',
  aliases: { es: 'avisos' },
  description: {
    es: 'Qué avisos recibe este chat; actívalos o apágalos',
    en: 'Which alerts this chat gets; turn them on or off',
  },
  minRole: 'viewer',
  args: {
    state: arg.positional(
      optionalChoice({
        on: { es: ['sí', 'si', 'activar'], en: ['on', 'yes'] },
        off: { es: ['no', 'apagar'], en: ['off', 'no'] },
      }),
      { es: 'sí|no', en: 'on|off' },
      {
        es: 'Actívalos o apágalos; sin nada, muestra los que hay',
        en: 'Turn them on or off; with nothing, shows them',
      },
    ),
    topic: arg.positional(
      topicChoice,
      { es: 'tema', en: 'topic' },
      { es: 'Un tema; sin tema, todos', en: 'One topic; without one, all of them' },
    ),
  },
  async run(ctx, args) {
    const { subscriptions } = ctx.services;
    const chosen = args.topic ? [args.topic] : topics;
    if (args.state === 'on') await subscriptions.subscribe(ctx.input.chat, chosen, ctx.locale);
    if (args.state === 'off') await subscriptions.unsubscribe(ctx.input.chat, chosen);
    const state = text(alertsState(ctx.t, await subscriptions.topicsOf(ctx.input.chat)));
    const held = ctx.user && atLeast(ctx.user.role, 'admin') ? await ctx.services.outbox.held() : [];
    const waiting = held.map((entry) => text(ctx.t('notify.held', { count: entry.count, who: whoIs(entry) })));
    return reply(state, ...waiting);
  },
});
