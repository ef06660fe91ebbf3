import { z } from 'zod';
import { reply, text } from '../chat/reply.ts';
import { topics } from '../chat/subscriptions.ts';
import { arg, defineCommand } from './registry.ts';

export const notifyCommand = defineCommand({
  name: 'notify',
  aliases: { es: 'avisos' },
  description: { es: 'Activa o apaga los avisos de este chat', en: "Turn this chat's alerts on or off" },
  minRole: 'viewer',
  args: {
    state: arg.positional(
      z.enum(['on', 'off', 'si', 'no']),
      { es: 'on|off', en: 'on|off' },
      { es: 'on (sí) u off (no)', en: 'on or off' },
    ),
    topic: arg.positional(
      z.enum(topics).optional(),
      { es: 'tema', en: 'topic' },
      {
        es: 'stock, filters, prices, orders o reports; sin tema, todos',
        en: 'stock, filters, prices, orders or reports; none means all',
      },
    ),
  },
  async run(ctx, args) {
    const chosen = args.topic ? [args.topic] : topics;
    const names = chosen.map((topic) => ctx.t(`notify.topic.${topic}`)).join(', ');
    if (args.state === 'on' || args.state === 'si') {
      await ctx.services.subscriptions.subscribe(ctx.input.chat, chosen, ctx.locale);
      return reply(text(ctx.t('notify.on', { topics: names })));
    }
    await ctx.services.subscriptions.unsubscribe(ctx.input.chat, chosen);
    return reply(text(ctx.t('notify.off', { topics: names })));
  },
});
