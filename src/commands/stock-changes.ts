import { z } from 'zod';
import { type Block, buttons, errorReply, type Reply, reply, text } from '../chat/reply.ts';
import { type CountResult, type Levels, MAX_QTY, skuSchema } from '../domain/inventory/index.ts';
import { isAppError } from '../errors.ts';
import { type CommandContext, requireUser } from './context.ts';
import { chatOrigin, word } from './origin.ts';
import { arg, QUANTITY_NAME, quantity, subcommand } from './registry.ts';

export const skuArg = arg.positional(
  skuSchema(),
  { es: 'sku', en: 'sku', spoken: { es: 'SKU', en: 'SKU' } },
  { es: 'El código del producto', en: 'The product code' },
);
const qtyArg = arg.positional(quantity(), QUANTITY_NAME, {
  es: 'Unidades (de 1 a un millón)',
  en: 'Units (1 to a million)',
});
const countArg = arg.positional(z.coerce.number().int().min(0).max(MAX_QTY), QUANTITY_NAME, {
  es: 'Unidades contadas (de 0 a un millón)',
  en: 'Units counted (0 to a million)',
});
const noteArg = arg.rest(
  z.string().max(200).optional(),
  { es: 'nota', en: 'note', form: 'f' },
  { es: 'Por qué (queda en el historial)', en: 'Why (kept in the history)' },
);
const countArgs = {
  sku: skuArg,
  qty: countArg,
  confirm: arg.flag(
    { es: 'confirmar', en: 'confirm' },
    { es: 'confirmar', en: 'confirm' },
    {
      es: 'Aplica aunque el stock haya cambiado desde que lo viste',
      en: 'Apply even if stock changed since you saw it',
    },
  ),
  shipped: arg.flag(
    { es: 'enviados', en: 'shipped' },
    { es: 'enviados', en: 'shipped' },
    {
      es: 'Lo vendido sin enviar ya salió: márcalo enviado antes de contar',
      en: 'What was sold and not shipped has left: mark it shipped before counting',
    },
  ),
};

function changed(sku: string, levels: Levels, ctx: CommandContext): Block {
  return text('✅ ', ctx.t('stock.changed', { sku, ...levels }));
}

/** The command line that counts again after marking the unshipped sales shipped, in the user's words. */
function countShippedLine(ctx: CommandContext, sku: string, qty: number) {
  return `/stock ${word(ctx, { es: 'contar', en: 'count' })} ${sku} ${qty} ${word(ctx, { es: 'enviados', en: 'shipped' })}`;
}

function shipOffer(ctx: CommandContext, sku: string, qty: number, sold: number): Block {
  return buttons({ label: ctx.t('stock.mark_shipped', { sold, qty }), command: countShippedLine(ctx, sku, qty) });
}

/** Says what the count assumed about units sold and not shipped, and offers to mark them shipped. */
function countReply(ctx: CommandContext, sku: string, qty: number, result: CountResult): Reply {
  const blocks = [
    result.changed ? changed(sku, result.levels, ctx) : text(ctx.t('stock.count_unchanged', { sku, ...result.levels })),
  ];
  if (result.shippedSales.length > 0)
    blocks.push(
      text(
        ctx.t('stock.count_shipped_first', {
          sales: result.shippedSales.map((id) => `${word(ctx, { es: 'V-', en: 'S-' })}${id}`).join(', '),
        }),
      ),
    );
  if (result.levels.sold > 0) {
    blocks.push(text(ctx.t('stock.count_includes_unshipped', { sold: result.levels.sold })));
    blocks.push(shipOffer(ctx, sku, qty, result.levels.sold));
  }
  return reply(...blocks);
}

/** `/stock fijar` and `/stock contar`: the total after a count, with a warning when stock moved since the user saw it. */
async function runCount(ctx: CommandContext, args: { sku: string; qty: number; confirm: boolean; shipped: boolean }) {
  const { inventory } = ctx.services;
  const current = await inventory.stock.get(args.sku);
  // Warn only where "do it anyway" can succeed and would change something; a count below what is held is refused
  // with its own reason below, and one equal to the total (nothing to ship) answers that it already was.
  const changes = current && (current.total !== args.qty || (args.shipped && current.sold > 0));
  if (current && changes && !args.confirm && args.qty >= current.reserved + (args.shipped ? 0 : current.sold)) {
    const shown = await inventory.views.lastShown(requireUser(ctx).id, current.productId);
    if (shown && shown.lastLedgerId < current.lastLedgerId) {
      const flags = [word(ctx, { es: 'confirmar', en: 'confirm' })];
      if (args.shipped) flags.push(word(ctx, { es: 'enviados', en: 'shipped' }));
      const line = `/stock ${word(ctx, { es: 'fijar', en: 'set' })} ${current.sku} ${args.qty} ${flags.join(' ')}`;
      return errorReply(
        text(ctx.t('stock.stale', { ...current })),
        buttons({ label: ctx.t('stock.set_anyway', { qty: args.qty }), command: line }),
      );
    }
  }
  try {
    const result = await inventory.stock.count(args.sku, args.qty, chatOrigin(ctx), { shipSold: args.shipped });
    return countReply(ctx, args.sku, args.qty, result);
  } catch (error) {
    const { sold = 0, reserved = 0 } = isAppError(error) ? error.details : {};
    const canShip = Number(sold) > 0 && !args.shipped && args.qty >= Number(reserved);
    if (!isAppError(error) || error.reason !== 'stock.count_below_committed' || !canShip) throw error;
    const refusal = ctx.t('stock.count_below_committed', { available: Number(sold) + Number(reserved) });
    return errorReply(text(refusal), shipOffer(ctx, args.sku, args.qty, Number(sold)));
  }
}

/** The subcommands of `/stock` that change levels; every change is a ledger row with who and why. */
export const stockChanges = [
  subcommand({
    name: 'add',
    // "recibir" is how a seller says it when a delivery comes in.
    aliases: { es: ['agregar', 'recibir'], en: 'receive' },
    description: { es: 'Suma unidades recibidas', en: 'Add units received' },
    minRole: 'staff',
    args: { sku: skuArg, qty: qtyArg, note: noteArg },
    async run(ctx, args) {
      const levels = await ctx.services.inventory.stock.receive(args.sku, args.qty, chatOrigin(ctx, args.note));
      return reply(changed(args.sku, levels, ctx));
    },
  }),
  subcommand({
    name: 'remove',
    aliases: { es: 'quitar' },
    description: { es: 'Resta unidades (rotas, perdidas…)', en: 'Take units out (broken, lost…)' },
    minRole: 'staff',
    args: { sku: skuArg, qty: qtyArg, note: noteArg },
    async run(ctx, args) {
      const levels = await ctx.services.inventory.stock.remove(args.sku, args.qty, chatOrigin(ctx, args.note));
      return reply(changed(args.sku, levels, ctx));
    },
  }),
  subcommand({
    name: 'set',
    aliases: { es: 'fijar' },
    description: { es: 'Fija el total tras un conteo', en: 'Set the total after a count' },
    minRole: 'staff',
    args: countArgs,
    run: runCount,
  }),
  subcommand({
    name: 'count',
    aliases: { es: 'contar' },
    description: {
      es: 'Registra un conteo físico: el total pasa a ser lo que hay en el estante',
      en: 'Record a physical count: the total becomes what is on the shelf',
    },
    minRole: 'staff',
    args: countArgs,
    run: runCount,
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
      const key = args.qty === 0 ? 'stock.threshold_off' : 'stock.threshold_set';
      return reply(text(ctx.t(key, { sku: args.sku, threshold: args.qty })));
    },
  }),
];
