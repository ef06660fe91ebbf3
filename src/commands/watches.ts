import { z } from 'zod';
import { bold, link, reply, table, text } from '../chat/reply.ts';
import { defineTask, type TaskDefinition } from '../chat/task-runner.ts';
import { productIdFrom, type Watch } from '../domain/sourcing/index.ts';
import { type Translate, translator } from '../i18n/index.ts';
import { parsePrice } from '../money.ts';
import type { Services } from './context.ts';
import { arg, defineCommand, priceText, recordNumber, subcommand } from './registry.ts';

interface WatchAddInput {
  product: string;
  below?: string | undefined;
  change?: number | undefined;
  platform: string;
  chatId: string;
}

/** What a watch alerts on, in words: "below $10.00 USD · changes of 10% or more · unavailability". */
export function watchTerms(watch: Watch, t: Translate): string {
  const terms: string[] = [];
  if (watch.belowMinor !== null)
    terms.push(t('watch.term_below', { price: t.money({ minor: watch.belowMinor, currency: watch.currency }) }));
  if (watch.changePercent !== null) terms.push(t('watch.term_change', { percent: watch.changePercent }));
  terms.push(t('watch.term_unavailable'));
  return terms.join(' · ');
}

export const watchCommand = defineCommand({
  name: 'watch',
  aliases: { es: 'vigilar' },
  description: {
    es: 'Vigila el precio y la disponibilidad de un producto de proveedor',
    en: "Track a supplier product's price and availability",
  },
  subcommands: [
    subcommand({
      name: 'add',
      aliases: { es: 'agregar' },
      description: {
        es: 'Vigila un producto de AliExpress (sin bajo: ni cambio: avisa de cambios del 10 % o más)',
        en: 'Watch an AliExpress product (with neither below nor change: alerts on changes of 10% or more)',
      },
      minRole: 'staff',
      args: {
        product: arg.positional(
          z.string().min(1).max(500),
          { es: 'enlace o id', en: 'link or id' },
          { es: 'El enlace del producto o su número', en: "The product's link or number" },
        ),
        below: arg.key(
          priceText().optional(),
          { es: ['bajo', 'menos'], en: 'below' },
          { es: 'precio', en: 'price' },
          {
            es: 'Avisa cuando el precio baje de aquí',
            en: 'Alert when the price drops below this',
          },
        ),
        change: arg.key(
          z.coerce.number().int().min(1).max(1000).optional(),
          { es: 'cambio', en: 'change' },
          { es: 'porcentaje', en: 'percent' },
          {
            es: 'Avisa cuando el precio cambie este % o más',
            en: 'Alert when the price moves this % or more',
          },
        ),
      },
      async run(ctx, args) {
        // Link and price are checked here, so a typo is refused at once, before any lookup.
        const product = productIdFrom(args.product);
        if (args.below !== undefined) parsePrice(args.below, ctx.shop.currency);
        const input: WatchAddInput = {
          product,
          below: args.below,
          change: args.change,
          platform: ctx.input.chat.platform,
          chatId: ctx.input.chat.chatId,
        };
        return { task: { kind: 'watch-add', input } };
      },
    }),
    subcommand({
      name: 'list',
      aliases: { es: 'lista' },
      description: { es: 'Los productos vigilados en este chat', en: 'The products watched in this chat' },
      minRole: 'viewer',
      async run(ctx) {
        const watches = await ctx.services.watches.list(ctx.input.chat);
        if (watches.length === 0) return reply(text(ctx.t('watch.none')));
        const columns = [
          'watch.col_id',
          'watch.col_product',
          'watch.col_price',
          'watch.col_alerts',
          'watch.col_checked',
        ] as const;
        const rows = watches.map((w) => [
          `#${w.id}`,
          w.title.length > 40 ? `${w.title.slice(0, 39)}…` : w.title,
          w.available ? ctx.t.money(w.price) : ctx.t('watch.unavailable_short'),
          watchTerms(w, ctx.t),
          w.lastError
            ? ctx.t('watch.check_failed')
            : w.lastCheckedAt
              ? ctx.t.dateTime(w.lastCheckedAt)
              : ctx.t('filter.never'),
        ]);
        return reply(
          text(bold(ctx.t('watch.list_title'))),
          table(
            columns.map((key) => ctx.t(key)),
            rows,
            { name: 'watches' },
          ),
        );
      },
    }),
    subcommand({
      name: 'remove',
      // Autocomplete (Discord): this chat's watches whose number or product title contain what is typed.
      complete: async (ctx, _arg, partial) => {
        const typed = partial.replace('#', '').toLowerCase();
        const watches = await ctx.services.watches.list(ctx.input.chat);
        return watches
          .filter((w) => String(w.id).includes(typed) || w.title.toLowerCase().includes(typed))
          .map((w) => `#${w.id}`)
          .slice(0, 25);
      },
      aliases: { es: 'quitar' },
      description: { es: 'Deja de vigilar un producto', en: 'Stop watching a product' },
      minRole: 'staff',
      args: {
        id: arg.positional(
          recordNumber(),
          { es: 'vigilancia', en: 'watch', form: 'f' },
          {
            es: 'El número de la vigilancia (#3, mira /vigilar lista)',
            en: 'The watch number (#3, see /watch list)',
          },
        ),
      },
      async run(ctx, args) {
        await ctx.services.watches.remove(ctx.input.chat, args.id);
        return reply(text(ctx.t('watch.removed', { id: args.id })));
      },
    }),
  ],
});

/** /watch add as a durable task: the product is looked up on AliExpress before the watch starts. */
export function watchAddTask(services: Services): TaskDefinition {
  return defineTask<WatchAddInput>({
    kind: 'watch-add',
    async run({ input, locale, requestedBy, signal }) {
      const shop = await services.settings.current();
      const t = translator(locale, shop);
      const watch = await services.watches.add({
        product: input.product,
        platform: input.platform,
        chatId: input.chatId,
        locale,
        currency: shop.currency,
        belowMinor: input.below === undefined ? undefined : parsePrice(input.below, shop.currency),
        changePercent: input.change,
        createdBy: requestedBy,
        signal,
      });
      const price = watch.available ? t.money(watch.price) : t('watch.unavailable_short');
      return reply(
        text('👀 ', t('watch.added', { id: watch.id, title: watch.title, price })),
        text(t('watch.alerts_on', { terms: watchTerms(watch, t) }), '\n', link(t('search.open'), watch.url)),
      );
    },
  });
}
