import { z } from 'zod';
import { bold, errorReply, fields, reply, table, text } from '../chat/reply.ts';
import { AppError } from '../errors.ts';
import { formatMoney, minorDigits, parsePrice } from '../money.ts';
import { chatOrigin, word } from './origin.ts';
import { loadPage, pageArg, pagedTitle, pagingBlocks } from './paging.ts';
import { arg, defineCommand, subcommand } from './registry.ts';
import { PAGE_SIZE } from './stock.ts';
import { skuArg } from './stock-changes.ts';

const FREE = ['gratis', 'free'];
/** A typed price ("199.90", "199,90"), or the word that makes a product free: a bare 0 is refused as a likely slip. */
const priceArg = z.string().regex(/^(\d{1,12}([.,]\d{1,4})?|gratis|free)$/i);
const currency = z
  .string()
  .regex(/^[A-Za-z]{3}$/)
  .transform((value) => value.toUpperCase())
  .refine((value) => {
    try {
      return minorDigits(value) >= 0;
    } catch {
      return false;
    }
  });
const count = z.coerce.number().int().min(0).max(1_000_000);

function price(value: string, code: string): number {
  if (FREE.includes(value.toLowerCase())) return 0;
  let minor: number;
  try {
    minor = parsePrice(value, code);
  } catch {
    throw new AppError('invalid_input', 'bad price', { digits: minorDigits(code), value }, 'product.bad_price');
  }
  if (minor === 0)
    throw new AppError('invalid_input', 'A price of 0 needs the word free', { value }, 'product.zero_price');
  return minor;
}

export const productCommand = defineCommand({
  name: 'product',
  aliases: { es: 'producto' },
  description: {
    es: 'Tu catálogo: agregar, editar, ver, listar y archivar productos',
    en: 'Your catalogue: add, edit, show, list and archive products',
  },
  subcommands: [
    subcommand({
      name: 'add',
      aliases: { es: 'agregar' },
      description: { es: 'Agrega un producto', en: 'Add a product' },
      minRole: 'staff',
      args: {
        sku: skuArg,
        title: arg.rest(
          z.string().min(1).max(140),
          { es: 'título', en: 'title' },
          { es: 'El nombre del producto', en: 'The product name' },
        ),
        price: arg.key(
          priceArg,
          ['price', 'precio', 'p'],
          { es: 'precio', en: 'price' },
          { es: 'Precio, p. ej. 199.90 (o gratis)', en: 'Price, e.g. 199.90 (or free)' },
        ),
        currency: arg.key(
          currency.optional(),
          ['currency', 'moneda'],
          { es: 'moneda', en: 'currency' },
          { es: 'MXN, USD, EUR, CLP…', en: 'MXN, USD, EUR, CLP…' },
        ),
        stock: arg.key(
          count.optional(),
          ['stock'],
          { es: 'unidades', en: 'units' },
          { es: 'Stock inicial', en: 'Opening stock' },
        ),
        threshold: arg.key(
          count.optional(),
          ['threshold', 'umbral'],
          { es: 'umbral', en: 'threshold' },
          { es: 'Umbral de stock bajo', en: 'Low-stock threshold' },
        ),
      },
      async run(ctx, args) {
        const code = args.currency ?? ctx.services.currency;
        const priceMinor = price(args.price, code);
        await ctx.services.inventory.products.add(
          {
            sku: args.sku,
            title: args.title,
            priceMinor,
            currency: code,
            stock: args.stock,
            threshold: args.threshold,
          },
          chatOrigin(ctx, 'opening stock'),
        );
        return reply(
          text(
            '✅ ',
            ctx.t('product.added', {
              sku: args.sku,
              title: args.title,
              price: formatMoney(priceMinor, code, ctx.locale),
              stock: args.stock ?? 0,
            }),
          ),
        );
      },
    }),
    subcommand({
      name: 'edit',
      aliases: { es: 'editar' },
      description: { es: 'Cambia título, precio o umbral', en: 'Change title, price or threshold' },
      minRole: 'staff',
      args: {
        sku: skuArg,
        title: arg.key(
          z.string().min(1).max(140).optional(),
          ['title', 'titulo'],
          { es: 'título', en: 'title' },
          { es: 'Nuevo título', en: 'New title' },
        ),
        price: arg.key(
          priceArg.optional(),
          ['price', 'precio', 'p'],
          { es: 'precio', en: 'price' },
          { es: 'Nuevo precio', en: 'New price' },
        ),
        threshold: arg.key(
          count.optional(),
          ['threshold', 'umbral'],
          { es: 'umbral', en: 'threshold' },
          { es: 'Nuevo umbral', en: 'New threshold' },
        ),
      },
      async run(ctx, args) {
        if (args.title === undefined && args.price === undefined && args.threshold === undefined) {
          return errorReply(text(ctx.t('product.nothing_to_edit')));
        }
        const { products, stock } = ctx.services.inventory;
        const code = await products.currencyOf(args.sku);
        if (!code) throw new AppError('not_found', 'No product', { sku: args.sku }, 'product.not_found');
        await products.edit(args.sku, {
          title: args.title,
          priceMinor: args.price === undefined ? undefined : price(args.price, code),
        });
        if (args.threshold !== undefined) await stock.threshold(args.sku, args.threshold);
        return reply(text('✅ ', ctx.t('product.edited', { sku: args.sku })));
      },
    }),
    subcommand({
      name: 'show',
      aliases: { es: 'ver' },
      description: { es: 'Muestra un producto', en: 'Show a product' },
      minRole: 'viewer',
      args: { sku: skuArg },
      async run(ctx, args) {
        const view = await ctx.services.inventory.stock.get(args.sku);
        if (!view) throw new AppError('not_found', 'No product', { sku: args.sku }, 'product.not_found');
        return reply(
          text(bold(`${view.sku} — ${view.title}`)),
          fields([
            [ctx.t('stock.col_price'), formatMoney(view.priceMinor, view.currency, ctx.locale)],
            [ctx.t('stock.col_total'), view.total],
            [ctx.t('stock.col_reserved'), view.reserved],
            [ctx.t('stock.col_sold'), view.sold],
            [ctx.t('stock.col_available'), view.available],
            [ctx.t('stock.col_threshold'), view.lowStockThreshold],
          ]),
        );
      },
    }),
    subcommand({
      name: 'list',
      aliases: { es: 'lista' },
      description: { es: 'Tus productos con precio y disponible', en: 'Your products with price and available' },
      minRole: 'viewer',
      args: {
        page: pageArg(PAGE_SIZE),
      },
      async run(ctx, args) {
        const paged = await loadPage(args.page, PAGE_SIZE, (range) => ctx.services.inventory.stock.search('', range));
        if (paged.items.length === 0) return reply(text(ctx.t('stock.empty')));
        const columns = (['stock.col_sku', 'stock.col_title', 'stock.col_price', 'stock.col_available'] as const).map(
          (key) => ctx.t(key),
        );
        const rows = paged.items.map((p) => [
          p.sku,
          p.title,
          formatMoney(p.priceMinor, p.currency, ctx.locale),
          p.available,
        ]);
        return reply(
          text(bold(pagedTitle(ctx.t, ctx.t('product.list_title'), paged))),
          table(columns, rows, { align: ['left', 'left', 'right', 'right'], name: 'products' }),
          ...pagingBlocks(ctx.t, `/${word(ctx, { es: 'producto lista', en: 'product list' })}`, paged),
        );
      },
    }),
    subcommand({
      name: 'archive',
      aliases: { es: 'archivar' },
      description: {
        es: 'Saca un producto de las listas y de la API; su historial se conserva',
        en: 'Take a product out of lists and the API; its history is kept',
      },
      minRole: 'staff',
      args: { sku: skuArg },
      async run(ctx, args) {
        const changed = await ctx.services.inventory.products.archive(args.sku);
        const history = `/${word(ctx, { es: 'historial', en: 'history' })} ${args.sku}`;
        return reply(
          text(
            changed ? '✅ ' : '',
            ctx.t(changed ? 'product.archived' : 'product.archived_already', { sku: args.sku, history }),
          ),
        );
      },
    }),
  ],
});
