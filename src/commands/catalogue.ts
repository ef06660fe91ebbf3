import { z } from 'zod';
import { bold, errorReply, fields, reply, text } from '../chat/reply.ts';
import { AppError } from '../errors.ts';
import { isCurrencyCode, minorDigits, parsePrice } from '../money.ts';
import { arg, defineCommand, priceText, subcommand } from './registry.ts';
import { chatOrigin } from './stock.ts';

const skuArg = arg.positional(
  z.string().min(1).max(64),
  { es: 'sku', en: 'sku' },
  { es: 'El código del producto', en: 'The product code' },
);
/** An ISO 4217 code the platform knows (`moneda:XYZ` is refused). */
const currency = z
  .string()
  .regex(/^[A-Za-z]{3}$/)
  .transform((value) => value.toUpperCase())
  .refine(isCurrencyCode);
const currencyArg = (description: { es: string; en: string }) =>
  arg.key(currency.optional(), { es: 'moneda', en: 'currency' }, { es: 'moneda', en: 'currency', form: 'f' }, description);
const count = z.coerce.number().int().min(0).max(1_000_000);
const thresholdArg = (description: { es: string; en: string }) =>
  arg.key(count.optional(), { es: 'umbral', en: 'threshold' }, { es: 'umbral', en: 'threshold' }, description);

const priceArg = <S extends z.ZodType>(schema: S, description: { es: string; en: string }) =>
  arg.key(schema, { es: ['precio', 'p'], en: ['price', 'p'] }, { es: 'precio', en: 'price' }, description);

export const productCommand = defineCommand({
  name: 'product',
  aliases: { es: 'producto' },
  description: {
    es: 'Tu catálogo: agregar, editar y ver productos',
    en: 'Your catalogue: add, edit and show products',
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
        price: priceArg(priceText(), { es: 'Precio, p. ej. 199.90', en: 'Price, e.g. 199.90' }),
        currency: currencyArg({ es: 'Moneda ISO 4217 (la de la tienda si no la das)', en: "ISO 4217 currency (the shop's if left out)" }),
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
        const priceMinor = parsePrice(args.price, code);
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
              sku: args.sku.toUpperCase(),
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
        price: priceArg(priceText().optional(), { es: 'Nuevo precio', en: 'New price' }),
        currency: currencyArg({ es: 'Nueva moneda ISO 4217', en: 'New ISO 4217 currency' }),
        threshold: thresholdArg({ es: 'Nuevo umbral', en: 'New threshold' }),
      },
      async run(ctx, args) {
        if (Object.values(args).filter((value) => value !== undefined).length === 1) {
          return errorReply(text(ctx.t('product.nothing_to_edit')));
        }
        const { products, stock } = ctx.services.inventory;
        const current = await products.currencyOf(args.sku);
        if (!current) throw new AppError('not_found', 'No product', { sku: args.sku }, 'stock.no_product');
        const code = args.currency ?? current;
        // A price kept across currencies with other decimals (MXN → JPY) would change its meaning: ask for it.
        if (args.price === undefined && minorDigits(code) !== minorDigits(current))
          throw new AppError('invalid_input', 'Price needed', { currency: code }, 'product.price_for_currency');
        await products.edit(args.sku, {
          title: args.title,
          priceMinor: args.price === undefined ? undefined : parsePrice(args.price, code),
          currency: args.currency,
        });
        if (args.threshold !== undefined) await stock.threshold(args.sku, args.threshold);
        return reply(text('✅ ', ctx.t('product.edited', { sku: args.sku.toUpperCase() })));
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
        if (!view) throw new AppError('not_found', 'No product', { sku: args.sku }, 'stock.no_product');
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
  ],
});
