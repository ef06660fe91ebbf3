import { z } from 'zod';
import { errorText, reasonText } from '../chat/error-text.ts';
import { enqueue } from '../chat/outbox/outbox.ts';
import { alert, bold, link, type Reply, reply, text } from '../chat/reply.ts';
import { defineTask, type TaskDefinition } from '../chat/task-runner.ts';
import type { Clock } from '../clock.ts';
import type { People } from '../domain/people/index.ts';
import type { ShopNotifier, SyncCounts, SyncProgress, SyncResult } from '../domain/shops/index.ts';
import { type Translate, translator } from '../i18n/index.ts';
import { type CommandContext, requireUser, type Services } from './context.ts';
import { arg, choice, defineCommand } from './registry.ts';

const platformArg = () =>
  arg.positional(
    choice({ etsy: { es: 'etsy', en: 'etsy' } }),
    { es: 'plataforma', en: 'platform', form: 'f' },
    { es: 'La plataforma de la tienda: etsy', en: 'The shop’s platform: etsy' },
  );

const shopNameArg = () =>
  arg.positional(
    z.string().min(1).max(100).optional(),
    { es: 'tienda', en: 'shop', form: 'f' },
    { es: 'El nombre de la tienda; sin él, todas', en: 'The shop’s name; all of them when left out' },
  );

/** "leídos 3, nuevos 1…" in the reader's language. */
export function countsText(t: Translate, counts: SyncCounts): string {
  return t('shops.counts', { ...counts });
}

export const connectCommand = defineCommand({
  name: 'connect',
  aliases: { es: 'conectar' },
  description: { es: 'Conecta una tienda de Etsy', en: 'Connects an Etsy shop' },
  minRole: 'admin',
  args: { platform: platformArg() },
  async run(ctx) {
    const user = requireUser(ctx);
    const { platform, chatId } = ctx.input.chat;
    const started = await ctx.services.shops.start({ userId: user.id, chat: { platform, chatId }, locale: ctx.locale });
    return reply(
      text(ctx.t('shops.connect_link', { expires: ctx.t.time(started.expiresAt) })),
      text(link(started.url, started.url)),
    );
  },
});

export const disconnectCommand = defineCommand({
  name: 'disconnect',
  aliases: { es: 'desconectar' },
  description: { es: 'Desconecta una tienda de Etsy', en: 'Disconnects an Etsy shop' },
  minRole: 'admin',
  args: { platform: platformArg(), shop: shopNameArg() },
  async run(ctx, args) {
    const removed = await ctx.services.shops.disconnect(args.shop);
    if (!removed) return reply(text(ctx.t(args.shop ? 'shops.unknown' : 'shops.none', { shop: args.shop ?? '' })));
    return reply(text('✅ ', ctx.t('shops.disconnected', { shop: removed })));
  },
});

function lastSyncLine(
  ctx: CommandContext,
  run: { startedAt: Date; error: string | null; errorReason: string | null; errorDetails: unknown } & SyncCounts,
) {
  const when = ctx.t.dateTime(run.startedAt);
  return run.error
    ? ctx.t('shops.last_sync_failed', { when, error: reasonText(run.errorReason, run.errorDetails, ctx.t) })
    : ctx.t('shops.last_sync', { when, counts: countsText(ctx.t, run) });
}

export const shopsCommand = defineCommand({
  name: 'shops',
  aliases: { es: 'tiendas' },
  description: { es: 'Tiendas conectadas y su última sincronización', en: 'Connected shops and their last sync' },
  minRole: 'admin',
  async run(ctx) {
    const all = await ctx.services.shops.list();
    if (all.length === 0) return reply(text(ctx.t('shops.list_empty')));
    const lines = all.map((shop) => {
      const status = ctx.t(shop.status === 'active' ? 'shops.status_active' : 'shops.status_broken');
      const last = shop.lastRun ? lastSyncLine(ctx, shop.lastRun) : ctx.t('shops.never_synced');
      return text(bold(`Etsy · ${shop.shopName}`), ` · ${status}\n${last}`);
    });
    return reply(text(ctx.t('shops.list_title')), ...lines);
  },
});

export const syncCommand = defineCommand({
  name: 'sync',
  aliases: { es: 'sincronizar' },
  description: {
    es: 'Sincroniza ahora las tiendas conectadas: anuncios, stock y pedidos',
    en: 'Syncs the connected shops now: listings, stock and orders',
  },
  minRole: 'admin',
  args: { shop: shopNameArg() },
  async run(ctx, args) {
    const all = await ctx.services.shops.list();
    if (all.length === 0) return reply(text(ctx.t('shops.none')));
    return { task: { kind: 'sync', input: { shop: args.shop } } };
  },
});

function progressText(t: Translate, progress: SyncProgress): string {
  const key = {
    receipts: 'shops.progress_receipts',
    listings: 'shops.progress_listings',
    sales: 'shops.progress_sales',
  } as const;
  return t(key[progress.stage], { done: progress.done, total: progress.total });
}

function resultLine(t: Translate, result: SyncResult): string {
  if (result.error !== undefined)
    return t('shops.sync_failed', { shop: result.shop, error: errorText(result.error, t) });
  return t('shops.synced', { shop: result.shop, counts: countsText(t, result), calls: result.callsUsed });
}

/** /sync as a durable task: each shop's counts, with progress while listings are read. */
export function syncTask(services: Services): TaskDefinition {
  return defineTask<{ shop?: string }>({
    kind: 'sync',
    async run({ input, locale, progress, signal }): Promise<Reply> {
      const t = translator(locale, await services.settings.current());
      const results = await services.shops.sync({
        shop: input.shop,
        trigger: 'command',
        signal,
        progress: (step) => progress(progressText(t, step)),
      });
      // Connected shops exist (the command checked), so none active means every one lost Etsy's permission.
      if (results.length === 0) return reply(text(t('shops.etsyUnauthorized')));
      return reply(...results.map((result) => text(resultLine(t, result))));
    },
  });
}

/** Chat notices of shop connections: "Conectado" to the chat that asked; a broken one to it and every admin, once. */
export function shopNotifier(people: () => People, settings: Services['settings'], clock: Clock): ShopNotifier {
  return async (tx, notice) => {
    const shop = await settings.current();
    const t = translator(notice.locale, shop);
    if (notice.kind === 'connected') {
      const message = reply(text('✅ ', t('shops.connected', { shop: notice.shopName })));
      await enqueue(
        tx,
        notice.chat,
        message,
        notice.locale,
        `shops:connected:${notice.connectionId}:${clock.now().getTime()}`,
      );
      return;
    }
    const targets = new Map([[`${notice.chat.platform}:${notice.chat.chatId}`, notice.chat]]);
    for (const person of await people().list()) {
      if (person.revoked || (person.role !== 'admin' && person.role !== 'owner')) continue;
      for (const identity of person.identities) {
        const [platform, id] = identity.split(':');
        if (platform && id && (platform === 'telegram' || platform === 'whatsapp'))
          targets.set(identity, { platform, chatId: id });
      }
    }
    for (const [key, target] of targets) {
      const message = alert(reply(text('⚠️ ', t('shops.broken', { shop: notice.shopName }))));
      await enqueue(
        tx,
        target,
        message,
        notice.locale,
        `shops:broken:${notice.connectionId}:${key}:${clock.now().getTime()}`,
      );
    }
  };
}
