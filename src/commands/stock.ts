import { z } from 'zod';
import { bold, fields, type Reply, reply, table, text } from '../chat/reply.ts';
import type { Page, ProductStock } from '../domain/inventory/index.ts';
import type { Translate } from '../i18n/index.ts';
import { type CommandContext, requireUser } from './context.ts';
import { word } from './origin.ts';
import { loadPage, pageArg, pagedTitle, pagingBlocks } from './paging.ts';
import { arg, defineCommand, subcommand } from './registry.ts';
import { stockChanges } from './stock-changes.ts';

export const PAGE_SIZE = 15;

export function stockTable(items: ProductStock[], t: Translate) {
  const columns = [
    'stock.col_sku',
    'stock.col_title',
    'stock.col_total',
    'stock.col_reserved',
    'stock.col_sold',
    'stock.col_available',
    'stock.col_threshold',
  ] as const;
  const rows = items.map((v) => [
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

type Load = (range: { limit: number; offset: number }) => Promise<Page<ProductStock>>;

/** A paged stock table; what the user was shown is remembered so `/stock fijar` can warn when it went stale. */
async function stockPage(ctx: CommandContext, title: string, base: string, page: number, load: Load, empty: string) {
  const paged = await loadPage(page, PAGE_SIZE, load);
  if (paged.items.length === 0) return reply(text(empty));
  await ctx.services.inventory.views.record(requireUser(ctx).id, paged.items);
  return reply(
    text(bold(pagedTitle(ctx.t, title, paged))),
    stockTable(paged.items, ctx.t),
    ...pagingBlocks(ctx.t, base, paged),
  );
}

async function showOne(ctx: CommandContext, stock: ProductStock): Promise<Reply> {
  await ctx.services.inventory.views.record(requireUser(ctx).id, [stock]);
  return reply(
    text(bold(`${stock.sku} — ${stock.title}`)),
    fields([
      [ctx.t('stock.col_total'), ctx.t.number(stock.total)],
      [ctx.t('stock.col_reserved'), ctx.t.number(stock.reserved)],
      [ctx.t('stock.col_sold'), ctx.t.number(stock.sold)],
      [ctx.t('stock.col_available'), ctx.t.number(stock.available)],
      [ctx.t('stock.col_threshold'), ctx.t.number(stock.lowStockThreshold)],
    ]),
  );
}

async function showStock(ctx: CommandContext, query: string | undefined, page: number): Promise<Reply> {
  const { stock } = ctx.services.inventory;
  const single = query && page === 1 && !/\s/.test(query.trim());
  const exact = single ? await stock.get(query).catch(() => undefined) : undefined;
  if (exact) return showOne(ctx, exact);
  const empty = query ? ctx.t('stock.none', { query }) : ctx.t('stock.empty');
  const base = `/stock${query ? ` ${query}` : ''}`;
  return stockPage(ctx, ctx.t('stock.title'), base, page, (range) => stock.search(query ?? '', range), empty);
}

export const stockCommand = defineCommand({
  name: 'stock',
  aliases: { es: ['stock', 'inventario'] },
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
    page: pageArg(PAGE_SIZE),
  },
  run: (ctx, args) => showStock(ctx, args.query, args.page),
  // Discord's autocomplete: the SKUs whose code or title match what is typed so far.
  complete: async (ctx, _arg, partial) =>
    (await ctx.services.inventory.stock.search(partial, { offset: 0, limit: 25 })).items.map((item) => item.sku),
  subcommands: [
    subcommand({
      name: 'low',
      aliases: { es: 'bajo' },
      description: { es: 'Productos por debajo de su umbral', en: 'Products below their threshold' },
      minRole: 'viewer',
      args: { page: pageArg(PAGE_SIZE) },
      run: (ctx, args) =>
        stockPage(
          ctx,
          ctx.t('stock.low_title'),
          `/stock ${word(ctx, { es: 'bajo', en: 'low' })}`,
          args.page,
          (range) => ctx.services.inventory.stock.low(range),
          ctx.t('stock.no_low'),
        ),
    }),
    subcommand({
      name: 'out',
      aliases: { es: 'agotado' },
      description: { es: 'Productos sin nada disponible', en: 'Products with nothing available' },
      minRole: 'viewer',
      args: { page: pageArg(PAGE_SIZE) },
      run: (ctx, args) =>
        stockPage(
          ctx,
          ctx.t('stock.out_title'),
          `/stock ${word(ctx, { es: 'agotado', en: 'out' })}`,
          args.page,
          (range) => ctx.services.inventory.stock.out(range),
          ctx.t('stock.no_out'),
        ),
    }),
    ...stockChanges,
  ],
});
