import { z } from 'zod';
import { bold, reply, table, text } from '../chat/reply.ts';
import type { ApiKeyInfo } from '../domain/apikeys/index.ts';
import type { Translate } from '../i18n/index.ts';
import type { CommandContext } from './context.ts';
import { arg, defineCommand, subcommand } from './registry.ts';

/** Every key as table columns and rows: its prefix, creation, last use and state, never the key (chat and CLI). */
export function apiKeyTable(keys: ApiKeyInfo[], t: Translate, when: (at: Date) => string) {
  const columns = [
    'apikeys.col_id',
    'apikeys.col_name',
    'apikeys.col_prefix',
    'apikeys.col_created',
    'apikeys.col_used',
    'apikeys.col_state',
  ] as const;
  const rows = keys.map((key) => [
    `#${key.id}`,
    key.name,
    `${key.prefix}…`,
    when(key.createdAt),
    key.lastUsedAt ? when(key.lastUsedAt) : t('apikeys.never'),
    key.revokedAt ? t('apikeys.revoked_at', { when: when(key.revokedAt) }) : t('apikeys.active'),
  ]);
  return { columns: columns.map((column) => t(column)), rows };
}

async function listKeys(ctx: CommandContext) {
  const keys = await ctx.services.apiKeys.list();
  if (keys.length === 0) return reply(text(ctx.t('apikeys.none')));
  const { columns, rows } = apiKeyTable(keys, ctx.t, ctx.t.dateTime);
  return reply(
    text(bold(ctx.t('apikeys.title'))),
    table(columns, rows, { name: 'apikeys' }),
    text(ctx.t('apikeys.hint')),
  );
}

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
