import { z } from 'zod';
import { bold, errorReply, fields, reply, text } from '../chat/reply.ts';
import { AppError } from '../errors.ts';
import { formatMoney, minorDigits, parsePrice } from '../money.ts';
import { arg, defineCommand, priceText, subcommand } from './registry.ts';
import { chatOrigin } from './stock.ts';

const skuArg = arg.positional(
  z.string().min(1).max(64),
  { es: 'sku', en: 'sku' },
  { es: 'El código del producto', en: 'The product code' },
);
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
  try {
    return parsePrice(value, code);
  } catch {
    throw new AppError('invalid_input', 'bad price', { digits: minorDigits(code), value }, 'product.bad_price');
  }
}

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
        price: arg.key(
          priceText(),
          ['price', 'precio', 'p'],
          { es: 'precio', en: 'price' },
          { es: 'Precio, p. ej. 199.90', en: 'Price, e.g. 199.90' },
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
              sku: args.sku.toUpperCase(),
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
          priceText().optional(),
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
        if (!code) throw new AppError('not_found', 'No product', { sku: args.sku });
        await products.edit(args.sku, {
          title: args.title,
          priceMinor: args.price === undefined ? undefined : price(args.price, code),
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
        if (!view) throw new AppError('not_found', 'No product', { sku: args.sku });
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
  ],
});
