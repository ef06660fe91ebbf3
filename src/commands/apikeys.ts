import { z } from 'zod';
import { bold, reply, table, text } from '../chat/reply.ts';
import type { ApiKeyInfo } from '../domain/apikeys/index.ts';
import type { CommandContext } from './context.ts';
import { formatWhen } from './origin.ts';
import { arg, defineCommand, subcommand } from './registry.ts';

function keyRow(ctx: CommandContext, key: ApiKeyInfo): string[] {
  const state = key.revokedAt
    ? ctx.t('apikeys.revoked_at', { when: formatWhen(ctx, key.revokedAt) })
    : ctx.t('apikeys.active');
  const used = key.lastUsedAt ? formatWhen(ctx, key.lastUsedAt) : ctx.t('apikeys.never');
  return [`#${key.id}`, key.name, `${key.prefix}…`, formatWhen(ctx, key.createdAt), used, state];
}

const listKeys = async (ctx: CommandContext) => {
  const keys = await ctx.services.apiKeys.list();
  if (keys.length === 0) return reply(text(ctx.t('apikeys.none')));
  const columns = (
    [
      'apikeys.col_id',
      'apikeys.col_name',
      'apikeys.col_prefix',
      'apikeys.col_created',
      'apikeys.col_used',
      'apikeys.col_state',
    ] as const
  ).map((key) => ctx.t(key));
  return reply(
    text(bold(ctx.t('apikeys.title'))),
    table(
      columns,
      keys.map((key) => keyRow(ctx, key)),
      { name: 'apikeys' },
    ),
    text(ctx.t('apikeys.hint')),
  );
};

export const apikeysCommand = defineCommand({
  name: 'apikeys',
  aliases: { es: 'claves' },
  description: {
    es: 'Claves de la API de la tienda: quién las usa y revocarlas (nunca se muestran)',
    en: 'Storefront API keys: when they were used, and revoking them (never shown)',
  },
  minRole: 'owner',
  run: listKeys,
  subcommands: [
    subcommand({
      name: 'revoke',
      aliases: { es: 'revocar' },
      description: {
        es: 'Revoca una clave: deja de funcionar al instante',
        en: 'Revoke a key: it stops working at once',
      },
      minRole: 'owner',
      args: {
        key: arg.rest(
          z.string().min(1).max(64),
          { es: 'nombre o número', en: 'name or number' },
          { es: 'El nombre de la clave o su número (#3)', en: 'The key’s name or its number (#3)' },
        ),
      },
      async run(ctx, args) {
        const { key, changed } = await ctx.services.apiKeys.revoke(args.key);
        return reply(
          text(
            changed ? '✅ ' : '',
            ctx.t(changed ? 'apikeys.revoked' : 'apikeys.revoked_already', { id: key.id, name: key.name }),
          ),
        );
      },
    }),
  ],
});
