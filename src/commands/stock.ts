import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { bold, buttons, errorReply, fields, type Reply, reply, table, text } from '../chat/reply.ts';
import type { Levels, StockView } from '../domain/inventory/index.ts';
import type { Translate } from '../i18n/index.ts';
import { type CommandContext, requireUser } from './context.ts';
import { pageArg, pageButtons } from './paging.ts';
import { arg, defineCommand, displayName, quantity, subcommand } from './registry.ts';

const skuArg = arg.positional(
  z.string().min(1).max(64),
  { es: 'sku', en: 'sku' },
  { es: 'El código del producto', en: 'The product code' },
);
const qtyArg = arg.positional(
  quantity(),
  { es: 'cantidad', en: 'qty', form: 'f' },
  { es: 'Unidades (1 a 1.000.000)', en: 'Units (1 to 1,000,000)' },
);
const countArg = arg.positional(
  z.coerce.number().int().min(0).max(1_000_000),
  { es: 'cantidad', en: 'qty', form: 'f' },
  {
    es: 'Unidades contadas (0 a 1.000.000)',
    en: 'Units counted (0 to 1,000,000)',
  },
);
const noteArg = arg.rest(
  z.string().max(200).optional(),
  { es: 'nota', en: 'note', form: 'f' },
  { es: 'Por qué (queda en el historial)', en: 'Why (kept in the history)' },
);

/** Where a chat change came from, with the message id as its idempotency key, so a redelivered message changes nothing. */
export function chatOrigin(ctx: CommandContext, note?: string) {
  const { platform, chatId } = ctx.input.chat;
  return {
    actor: `user:${requireUser(ctx).id}`,
    reference: `${platform}:${chatId}`,
    note,
    key: ctx.input.messageId ? `chat:${platform}:${chatId}:${ctx.input.messageId}` : `chat:${randomUUID()}`,
  };
}

export function stockTable(views: StockView[], t: Translate) {
  const columns = [
    'stock.col_sku',
    'stock.col_title',
    'stock.col_total',
    'stock.col_reserved',
    'stock.col_sold',
    'stock.col_available',
    'stock.col_threshold',
  ] as const;
  const rows = views.map((v) => [
    v.sku,
    v.title.length > 28 ? `${v.title.slice(0, 27)}…` : v.title,
    ...[v.total, v.reserved, v.sold, v.available, v.lowStockThreshold].map(t.number),
  ]);
  return table(
    columns.map((key) => t(key)),
    rows,
    { align: ['left', 'left', 'right', 'right', 'right', 'right', 'right'], name: 'stock' },
  );
}

function changed(sku: string, levels: Levels, t: Translate): Reply {
  return reply(text('✅ ', t('stock.changed', { sku: sku.toUpperCase(), ...levels })));
}

export const PAGE_SIZE = 15;

const showStock = async (ctx: CommandContext, query: string | undefined, page: number): Promise<Reply> => {
  const { inventory } = ctx.services;
  const exact =
    query && page === 1 && !/\s/.test(query.trim())
      ? await inventory.stock.get(query).catch(() => undefined)
      : undefined;
  const found = exact
    ? [exact]
    : await inventory.stock.search(query ?? '', { limit: PAGE_SIZE + 1, offset: (page - 1) * PAGE_SIZE });
  const views = found.slice(0, PAGE_SIZE);
  if (views.length === 0) return reply(text(query ? ctx.t('stock.none', { query }) : ctx.t('stock.empty')));
  await inventory.views.record(requireUser(ctx).id, views);
  if (exact) {
    return reply(
      text(bold(`${exact.sku} — ${exact.title}`)),
      fields([
        [ctx.t('stock.col_total'), ctx.t.number(exact.total)],
        [ctx.t('stock.col_reserved'), ctx.t.number(exact.reserved)],
        [ctx.t('stock.col_sold'), ctx.t.number(exact.sold)],
        [ctx.t('stock.col_available'), ctx.t.number(exact.available)],
        [ctx.t('stock.col_threshold'), ctx.t.number(exact.lowStockThreshold)],
      ]),
    );
  }
  const title =
    page > 1 || found.length > PAGE_SIZE
      ? `${ctx.t('stock.title')} · ${ctx.t('paging.page', { page })}`
      : ctx.t('stock.title');
  return reply(
    text(bold(title)),
    stockTable(views, ctx.t),
    ...pageButtons(ctx.t, `/${displayName(stockCommandNames, ctx.locale)}${query ? ` ${query}` : ''}`, page, found.length > PAGE_SIZE),
  );
};

const setNames = { name: 'set', aliases: { es: ['fijar'], en: [] } };
const CONFIRM_WORDS = { es: 'confirmar', en: 'confirm' };
const stockCommandNames = { name: 'stock', aliases: { es: ['stock', 'inventario'], en: [] } };

export const stockCommand = defineCommand({
  name: stockCommandNames.name,
  aliases: stockCommandNames.aliases,
  description: {
    es: 'Stock: total, reservado, vendido, disponible y umbral',
    en: 'Stock: total, reserved, sold, available and threshold',
  },
  minRole: 'viewer',
  args: {
    query: arg.rest(
      z.string().max(100).optional(),
      { es: 'sku o palabras', en: 'sku or words' },
      { es: 'Un SKU o palabras del título', en: 'A SKU or words of the title' },
    ),
    page: pageArg(10_000, {
      es: `Página de resultados (${PAGE_SIZE} por página)`,
      en: `Page of results (${PAGE_SIZE} per page)`,
    }),
  },
  run: (ctx, args) => showStock(ctx, args.query, args.page),
  subcommands: [
    subcommand({
      name: 'low',
      aliases: { es: 'bajo' },
      description: { es: 'Productos por debajo de su umbral', en: 'Products below their threshold' },
      minRole: 'viewer',
      async run(ctx) {
        const low = await ctx.services.inventory.stock.low();
        if (low.length === 0) return reply(text(ctx.t('stock.no_low')));
        await ctx.services.inventory.views.record(requireUser(ctx).id, low);
        return reply(text(bold(ctx.t('stock.low_title'))), stockTable(low, ctx.t));
      },
    }),
    subcommand({
      name: 'add',
      aliases: { es: 'agregar' },
      description: { es: 'Suma unidades recibidas', en: 'Add units received' },
      minRole: 'staff',
      args: { sku: skuArg, qty: qtyArg, note: noteArg },
      async run(ctx, args) {
        return changed(
          args.sku,
          await ctx.services.inventory.stock.receive(args.sku, args.qty, chatOrigin(ctx, args.note)),
          ctx.t,
        );
      },
    }),
    subcommand({
      name: 'remove',
      aliases: { es: 'quitar' },
      description: { es: 'Resta unidades (rotas, perdidas…)', en: 'Take units out (broken, lost…)' },
      minRole: 'staff',
      args: { sku: skuArg, qty: qtyArg, note: noteArg },
      async run(ctx, args) {
        return changed(
          args.sku,
          await ctx.services.inventory.stock.remove(args.sku, args.qty, chatOrigin(ctx, args.note)),
          ctx.t,
        );
      },
    }),
    subcommand({
      ...setNames,
      description: { es: 'Fija el total tras un conteo', en: 'Set the total after a count' },
      minRole: 'staff',
      args: {
        sku: skuArg,
        qty: countArg,
        confirm: arg.flag(
          CONFIRM_WORDS,
          { es: 'confirmar', en: 'confirm' },
          {
            es: 'Aplica aunque el stock haya cambiado desde que lo viste',
            en: 'Apply even if stock changed since you saw it',
          },
        ),
      },
      async run(ctx, args) {
        const { inventory } = ctx.services;
        const current = await inventory.stock.get(args.sku);
        if (current && !args.confirm) {
          const shown = await inventory.views.lastShown(requireUser(ctx).id, current.productId);
          if (shown && shown.lastLedgerId < current.lastLedgerId) {
            return errorReply(
              text(
                ctx.t('stock.stale', {
                  sku: current.sku,
                  total: current.total,
                  reserved: current.reserved,
                  sold: current.sold,
                  available: current.available,
                }),
              ),
              buttons({
                label: ctx.t('stock.set_anyway', { qty: args.qty }),
                command: `/stock ${displayName(setNames, ctx.locale)} ${current.sku} ${args.qty} ${CONFIRM_WORDS[ctx.locale]}`,
              }),
            );
          }
        }
        return changed(args.sku, await inventory.stock.count(args.sku, args.qty, chatOrigin(ctx)), ctx.t);
      },
    }),
    subcommand({
      name: 'threshold',
      aliases: { es: 'umbral' },
      description: {
        es: 'Avisa cuando el disponible baje de este número (0 apaga)',
        en: 'Alert when available drops below this (0 turns off)',
      },
      minRole: 'staff',
      args: { sku: skuArg, qty: countArg },
      async run(ctx, args) {
        await ctx.services.inventory.stock.threshold(args.sku, args.qty);
        const sku = args.sku.toUpperCase();
        return reply(
          text(
            args.qty === 0
              ? ctx.t('stock.threshold_off', { sku })
              : ctx.t('stock.threshold_set', { sku, threshold: args.qty }),
          ),
        );
      },
    }),
  ],
});
