import { z } from 'zod';
import { bold, type Reply, reply, table, text } from '../chat/reply.ts';
import type { Outcome, Reservation } from '../domain/inventory/index.ts';
import { actorNames } from './actor-names.ts';
import type { CommandContext } from './context.ts';
import { chatOrigin, word } from './origin.ts';
import { loadPage, pageArg, pagedTitle, pagingBlocks } from './paging.ts';
import { arg, defineCommand, QUANTITY_NAME, quantity, recordNumber } from './registry.ts';
import { skuArg } from './stock-changes.ts';

const PAGE_SIZE = 15;

const idArg = arg.positional(
  recordNumber(),
  { es: 'reserva', en: 'reservation', form: 'f' },
  {
    es: 'El número de la reserva (#12)',
    en: 'The reservation number (#12)',
  },
);

/** A repeat says it already happened instead of repeating the success. */
function alreadyOr(ctx: CommandContext, outcome: Outcome<Reservation>, done: () => Reply): Reply {
  if (outcome.changed) return done();
  const { id, status } = outcome.value;
  return reply(text(ctx.t('reservation.state', { id, status: ctx.t(`reservation.status.${status}`) })));
}

export const reserveCommand = defineCommand({
  name: 'reserve',
  aliases: { es: 'reservar' },
  description: {
    es: 'Aparta unidades por un tiempo (15 min por defecto)',
    en: 'Hold units for a while (15 min by default)',
  },
  minRole: 'staff',
  args: {
    sku: skuArg,
    qty: arg.positional(quantity(), QUANTITY_NAME, { es: 'Unidades', en: 'Units' }),
    ttl: arg.key(
      z.coerce
        .number()
        .int()
        .min(1)
        .max(7 * 24 * 60)
        .optional(),
      { es: ['minutos', 'ttl', 'm'], en: ['ttl', 'minutes', 'm'] },
      { es: 'minutos', en: 'minutes', form: 'mp' },
      {
        es: 'Minutos que dura la reserva',
        en: 'Minutes the reservation lasts',
      },
    ),
  },
  async run(ctx, args) {
    const origin = chatOrigin(ctx);
    // No reference: that is the order number a storefront gives. `/reservas` shows who made it instead of the chat.
    const { reservation } = await ctx.services.inventory.reservations.reserve({
      sku: args.sku,
      qty: args.qty,
      ttlSeconds: args.ttl === undefined ? undefined : args.ttl * 60,
      idempotencyKey: origin.key,
      actor: origin.actor,
    });
    const { id, qty, sku } = reservation;
    return reply(
      text('✅ ', ctx.t('reservation.created', { id, qty, sku, expires: ctx.t.dateTime(reservation.expiresAt) })),
    );
  },
});

export const releaseCommand = defineCommand({
  name: 'release',
  aliases: { es: 'liberar' },
  description: { es: 'Libera una reserva', en: 'Release a reservation' },
  minRole: 'staff',
  args: { id: idArg },
  async run(ctx, args) {
    const outcome = await ctx.services.inventory.reservations.release({ id: args.id }, chatOrigin(ctx).actor);
    const { id, qty, sku } = outcome.value;
    return alreadyOr(ctx, outcome, () => reply(text('✅ ', ctx.t('reservation.released', { id, qty, sku }))));
  },
});

export const commitCommand = defineCommand({
  name: 'commit',
  aliases: { es: 'confirmar' },
  description: { es: 'Convierte una reserva en venta', en: 'Turn a reservation into a sale' },
  minRole: 'staff',
  args: { id: idArg },
  async run(ctx, args) {
    const outcome = await ctx.services.inventory.reservations.commit({ id: args.id }, chatOrigin(ctx).actor);
    const { id, qty, sku } = outcome.value;
    const ship = `/${word(ctx, { es: 'enviar', en: 'ship' })} ${id}`;
    return alreadyOr(ctx, outcome, () => reply(text('✅ ', ctx.t('reservation.committed_ok', { id, qty, sku, ship }))));
  },
});

/** `#12` or `12` names a reservation; `V-7` (or `S-7`) a sale recorded without one, such as a marketplace order. */
const shipTarget = z
  .string()
  .regex(/^(#?\d{1,15}|[vVsS]-?\d{1,15})$/)
  .transform((value): { sale: number } | { reservation: number } =>
    /^[vVsS]/.test(value)
      ? { sale: Number(value.replace(/\D/g, '')) }
      : { reservation: Number(value.replace('#', '')) },
  );

export const shipCommand = defineCommand({
  name: 'ship',
  aliases: { es: 'enviar' },
  description: {
    es: 'Marca una venta como enviada: sus unidades salen del total y de vendido',
    en: 'Mark a sale shipped: its units leave the total and sold',
  },
  minRole: 'staff',
  args: {
    target: arg.positional(
      shipTarget,
      { es: 'venta o reserva', en: 'sale or reservation', form: 'f' },
      { es: 'La reserva confirmada (#12) o la venta (V-7)', en: 'The committed reservation (#12) or the sale (S-7)' },
    ),
  },
  async run(ctx, args) {
    const actor = chatOrigin(ctx).actor;
    if ('sale' in args.target) {
      const { value: sale, changed } = await ctx.services.inventory.sales.shipSale(args.target.sale, actor);
      return reply(
        text(changed ? '✅ ' : '', ctx.t(changed ? 'sale.shipped' : 'sale.already_shipped', { id: sale.id })),
      );
    }
    const outcome = await ctx.services.inventory.reservations.ship({ id: args.target.reservation }, actor);
    const { id, qty, sku } = outcome.value;
    return alreadyOr(ctx, outcome, () => reply(text('✅ ', ctx.t('reservation.shipped', { id, qty, sku }))));
  },
});

export const reservationsCommand = defineCommand({
  name: 'reservations',
  aliases: { es: 'reservas' },
  description: {
    es: 'Reservas vigentes, las que vencen antes primero',
    en: 'Live reservations, soonest to expire first',
  },
  minRole: 'staff',
  args: {
    page: pageArg(PAGE_SIZE),
  },
  async run(ctx, args) {
    const paged = await loadPage(args.page, PAGE_SIZE, (range) => ctx.services.inventory.reservations.active(range));
    if (paged.items.length === 0) return reply(text(ctx.t('reservations.none')));
    const name = await actorNames(ctx.services, ctx.t);
    const columns = [
      'reservations.col_id',
      'stock.col_sku',
      'reservations.col_qty',
      'reservations.col_expires',
      'reservations.col_who',
      'reservations.col_reference',
    ] as const;
    const rows = paged.items.map((r) => [
      `#${r.id}`,
      r.sku,
      r.qty,
      ctx.t.dateTime(r.expiresAt),
      name(r.actor),
      r.reference ?? '',
    ]);
    return reply(
      text(bold(pagedTitle(ctx.t, ctx.t('reservations.title'), paged))),
      table(
        columns.map((key) => ctx.t(key)),
        rows,
        { align: ['right', 'left', 'right', 'left', 'left', 'left'], name: 'reservations' },
      ),
      ...pagingBlocks(ctx.t, `/${word(ctx, { es: 'reservas', en: 'reservations' })}`, paged),
    );
  },
});
