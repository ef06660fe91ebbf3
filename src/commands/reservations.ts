import { z } from 'zod';
import { reply, text } from '../chat/reply.ts';
import { arg, defineCommand, quantity, recordNumber } from './registry.ts';
import { chatOrigin } from './stock.ts';

const idArg = arg.positional(
  recordNumber(),
  { es: 'reserva', en: 'reservation', form: 'f' },
  {
    es: 'El número de la reserva (#12)',
    en: 'The reservation number (#12)',
  },
);

export const reserveCommand = defineCommand({
  name: 'reserve',
  aliases: { es: 'reservar' },
  description: {
    es: 'Aparta unidades por un tiempo (15 min por defecto)',
    en: 'Hold units for a while (15 min by default)',
  },
  minRole: 'staff',
  args: {
    sku: arg.positional(
      z.string().min(1).max(64),
      { es: 'sku', en: 'sku' },
      { es: 'El código del producto', en: 'The product code' },
    ),
    qty: arg.positional(quantity(), { es: 'cantidad', en: 'qty', form: 'f' }, { es: 'Unidades', en: 'Units' }),
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
    const { reservation } = await ctx.services.inventory.reservations.reserve({
      sku: args.sku,
      qty: args.qty,
      ttlSeconds: args.ttl === undefined ? undefined : args.ttl * 60,
      reference: origin.reference,
      idempotencyKey: origin.key,
      actor: origin.actor,
    });
    const expires = ctx.t.dateTime(reservation.expiresAt);
    return reply(
      text(
        '✅ ',
        ctx.t('reservation.created', { id: reservation.id, qty: reservation.qty, sku: reservation.sku, expires }),
      ),
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
    const reservation = await ctx.services.inventory.reservations.release(args.id, chatOrigin(ctx).actor);
    if (reservation.status !== 'released') {
      return reply(
        text(
          ctx.t('reservation.state', { id: reservation.id, status: ctx.t(`reservation.status.${reservation.status}`) }),
        ),
      );
    }
    return reply(
      text('✅ ', ctx.t('reservation.released', { id: reservation.id, qty: reservation.qty, sku: reservation.sku })),
    );
  },
});

export const commitCommand = defineCommand({
  name: 'commit',
  aliases: { es: 'confirmar' },
  description: { es: 'Convierte una reserva en venta', en: 'Turn a reservation into a sale' },
  minRole: 'staff',
  args: { id: idArg },
  async run(ctx, args) {
    const reservation = await ctx.services.inventory.reservations.commit(args.id, chatOrigin(ctx).actor);
    return reply(
      text(
        '✅ ',
        ctx.t('reservation.committed_ok', { id: reservation.id, qty: reservation.qty, sku: reservation.sku }),
      ),
    );
  },
});
