import { z } from 'zod';
import { bold, reply, table, text } from '../chat/reply.ts';
import { defineTask, type TaskDefinition } from '../chat/task-runner.ts';
import { translator } from '../i18n/index.ts';
import { type CommandContext, requireUser, type Services } from './context.ts';
import { arg, defineCommand, normaliseWord, subcommand } from './registry.ts';
import { criteriaArgs, searchInput, searchLine } from './search.ts';

const nameArg = arg.positional(
  z.string().regex(/^[\p{L}\p{N}_-]{1,32}$/u),
  { es: 'nombre', en: 'name' },
  {
    es: 'Una palabra que nombra el filtro (letras, números, - y _)',
    en: 'One word naming the filter',
  },
);

/** Autocomplete (Discord): this chat's filter names that contain what is typed so far. */
async function completeName(ctx: CommandContext, _arg: string, partial: string): Promise<string[]> {
  const typed = normaliseWord(partial);
  const filters = await ctx.services.filters.list(ctx.input.chat);
  return filters
    .map((filter) => filter.name)
    .filter((name) => normaliseWord(name).includes(typed))
    .slice(0, 25);
}

export const filterCommand = defineCommand({
  name: 'filter',
  aliases: { es: 'filtro' },
  description: {
    es: 'Búsquedas guardadas que avisan de productos nuevos',
    en: 'Saved searches that post new products',
  },
  subcommands: [
    subcommand({
      name: 'add',
      aliases: { es: 'agregar' },
      description: { es: 'Guarda una búsqueda con sus filtros', en: 'Save a search with its filters' },
      minRole: 'staff',
      args: { name: nameArg, ...criteriaArgs },
      async run(ctx, args) {
        const { words, criteria } = searchInput(args, ctx.shop.currency);
        const saved = await ctx.services.filters.add({
          name: args.name,
          platform: ctx.input.chat.platform,
          chatId: ctx.input.chat.chatId,
          locale: ctx.locale,
          words,
          criteria,
          createdBy: requireUser(ctx).id,
        });
        return reply(text('✅ ', ctx.t('filter.added', { name: saved.name, count: saved.dailyCap })));
      },
    }),
    subcommand({
      name: 'list',
      aliases: { es: 'lista' },
      description: { es: 'Los filtros de este chat', en: "This chat's filters" },
      minRole: 'viewer',
      async run(ctx) {
        const filters = await ctx.services.filters.list(ctx.input.chat);
        if (filters.length === 0) return reply(text(ctx.t('filter.none')));
        const columns = ['filter.col_name', 'filter.col_search', 'filter.col_last'] as const;
        const rows = filters.map((f) => [
          f.name,
          f.words,
          f.lastRunAt ? ctx.t.dateTime(f.lastRunAt) : ctx.t('filter.never'),
        ]);
        return reply(
          text(bold(ctx.t('filter.list_title'))),
          table(
            columns.map((key) => ctx.t(key)),
            rows,
            { name: 'filters' },
          ),
        );
      },
    }),
    subcommand({
      name: 'show',
      complete: completeName,
      aliases: { es: 'ver' },
      description: { es: 'Muestra un filtro', en: 'Show a filter' },
      minRole: 'viewer',
      args: { name: nameArg },
      async run(ctx, args) {
        const filter = await ctx.services.filters.find(ctx.input.chat, args.name);
        return reply(text(bold(filter.name), `: ${searchLine(filter.words, filter.criteria, ctx.locale)}`));
      },
    }),
    subcommand({
      name: 'remove',
      complete: completeName,
      aliases: { es: 'quitar' },
      description: { es: 'Borra un filtro', en: 'Remove a filter' },
      minRole: 'staff',
      args: { name: nameArg },
      async run(ctx, args) {
        await ctx.services.filters.remove(ctx.input.chat, args.name);
        return reply(text(ctx.t('filter.removed', { name: args.name })));
      },
    }),
    subcommand({
      name: 'run',
      complete: completeName,
      aliases: { es: 'ejecutar' },
      description: { es: 'Revisa un filtro ahora', en: 'Check a filter now' },
      minRole: 'staff',
      args: { name: nameArg },
      async run(ctx, args) {
        const filter = await ctx.services.filters.find(ctx.input.chat, args.name);
        return {
          task: {
            kind: 'filter-run',
            input: { filterId: filter.id, name: filter.name, platform: filter.platform, chatId: filter.chatId },
          },
        };
      },
    }),
  ],
});

/** /filter run as a durable task: the new products arrive as the filter's own message; the task answers a summary. */
export function filterRunTask(services: Services): TaskDefinition {
  return defineTask<{ name: string; platform: string; chatId: string }>({
    kind: 'filter-run',
    async run({ input, locale, signal }) {
      const t = translator(locale, await services.settings.current());
      const filter = await services.filters.find({ platform: input.platform, chatId: input.chatId }, input.name);
      const { reported, heldBack } = await services.filters.run(filter, signal);
      const summary = t('filter.ran', { name: filter.name, count: reported });
      return reply(text(heldBack > 0 ? `${summary} ${t('filter.held_back', { count: heldBack })}` : summary));
    },
  });
}
