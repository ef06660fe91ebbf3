import { z } from 'zod';
import { bold, errorReply, fields, reply, table, text } from '../chat/reply.ts';
import { AppError } from '../errors.ts';
import { isCurrencyCode, minorDigits, parsePrice } from '../money.ts';
import { chatOrigin, word } from './origin.ts';
import { loadPage, pageArg, pagedTitle, pagingBlocks } from './paging.ts';
import { arg, defineCommand, pricePattern, subcommand } from './registry.ts';
import { PAGE_SIZE } from './stock.ts';
import { skuArg } from './stock-changes.ts';

const FREE = ['gratis', 'free'];
/** A typed price ("199.90", "199,90"), or the word that makes a product free: a bare 0 is refused as a likely slip. */
const priceText = pricePattern(/^(\d{1,12}([.,]\d{1,4})?|gratis|free)$/i);

/** Exact minor units of a typed price; 0 only when the word says free. */
function price(value: string, code: string): number {
  if (FREE.includes(value.toLowerCase())) return 0;
  const minor = parsePrice(value, code);
  if (minor === 0)
    throw new AppError('invalid_input', 'A price of 0 needs the word free', { value }, 'product.zero_price');
  return minor;
}
/** An ISO 4217 code the platform knows (`moneda:XYZ` is refused). */
const currency = z
  .string()
  .regex(/^[A-Za-z]{3}$/)
  .transform((value) => value.toUpperCase())
  .refine(isCurrencyCode);
const currencyArg = (description: { es: string; en: string }) =>
  arg.key(
    currency.optional(),
    { es: 'moneda', en: 'currency' },
    { es: 'moneda', en: 'currency', form: 'f' },
    description,
  );
const count = z.coerce.number().int().min(0).max(1_000_000);
const thresholdArg = (description: { es: string; en: string }) =>
  arg.key(count.optional(), { es: 'umbral', en: 'threshold' }, { es: 'umbral', en: 'threshold' }, description);

const priceArg = <S extends z.ZodType>(schema: S, description: { es: string; en: string }) =>
  arg.key(schema, { es: ['precio', 'p'], en: ['price', 'p'] }, { es: 'precio', en: 'price' }, description);

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
        price: priceArg(priceText, { es: 'Precio, p. ej. 199.90 (o gratis)', en: 'Price, e.g. 199.90 (or free)' }),
        currency: currencyArg({
          es: 'Moneda ISO 4217 (la de la tienda si no la das)',
          en: "ISO 4217 currency (the shop's if left out)",
        }),
        stock: arg.key(
          count.optional(),
          ['stock'],
          { es: 'unidades', en: 'units', form: 'fp' },
          { es: 'Stock inicial', en: 'Opening stock' },
        ),
        threshold: thresholdArg({ es: 'Umbral de stock bajo', en: 'Low-stock threshold' }),
      },
      async run(ctx, args) {
        const code = args.currency ?? ctx.shop.currency;
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
          chatOrigin(ctx, ctx.t('product.opening_stock')),
        );
        return reply(
          text(
            '✅ ',
            ctx.t('product.added', {
              sku: args.sku,
              title: args.title,
              price: ctx.t.money({ minor: priceMinor, currency: code }),
              stock: args.stock ?? 0,
            }),
          ),
        );
      },
    }),
    subcommand({
      name: 'edit',
      aliases: { es: 'editar' },
      description: { es: 'Cambia título, precio, moneda o umbral', en: 'Change title, price, currency or threshold' },
      minRole: 'staff',
      args: {
        sku: skuArg,
        title: arg.key(
          z.string().min(1).max(140).optional(),
          { es: ['titulo', 'título'], en: 'title' },
          { es: 'título', en: 'title' },
          { es: 'Nuevo título', en: 'New title' },
        ),
        price: priceArg(priceText.optional(), { es: 'Nuevo precio (o gratis)', en: 'New price (or free)' }),
        currency: currencyArg({ es: 'Nueva moneda ISO 4217', en: 'New ISO 4217 currency' }),
        threshold: thresholdArg({ es: 'Nuevo umbral', en: 'New threshold' }),
      },
      async run(ctx, args) {
        if (Object.values(args).filter((value) => value !== undefined).length === 1) {
          return errorReply(text(ctx.t('product.nothing_to_edit')));
        }
        const { products, stock } = ctx.services.inventory;
        const current = await products.currencyOf(args.sku);
        if (!current) throw new AppError('not_found', 'No product', { sku: args.sku }, 'product.not_found');
        const code = args.currency ?? current;
        // A price kept across currencies with other decimals (MXN → JPY) would change its meaning: ask for it.
        if (args.price === undefined && minorDigits(code) !== minorDigits(current))
          throw new AppError('invalid_input', 'Price needed', { currency: code }, 'product.price_for_currency');
        await products.edit(args.sku, {
          title: args.title,
          priceMinor: args.price === undefined ? undefined : price(args.price, code),
          currency: args.currency,
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
        if (!view) {
          // An archived product is not gone: say so, and where its history still is.
          const { archived, sku } = await ctx.services.inventory.history.of(args.sku, { limit: 1, offset: 0 });
          if (archived) throw new AppError('not_found', 'Product archived', { sku }, 'product.archived_view');
          throw new AppError('not_found', 'No product', { sku: args.sku }, 'product.not_found');
        }
        return reply(
          text(bold(`${view.sku} — ${view.title}`)),
          fields([
            [ctx.t('stock.col_price'), ctx.t.money({ minor: view.priceMinor, currency: view.currency })],
            [ctx.t('stock.col_total'), ctx.t.number(view.total)],
            [ctx.t('stock.col_reserved'), ctx.t.number(view.reserved)],
            [ctx.t('stock.col_sold'), ctx.t.number(view.sold)],
            [ctx.t('stock.col_available'), ctx.t.number(view.available)],
            [ctx.t('stock.col_threshold'), ctx.t.number(view.lowStockThreshold)],
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
          ctx.t.money({ minor: p.priceMinor, currency: p.currency }),
          ctx.t.number(p.available),
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
