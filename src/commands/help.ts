import { z } from 'zod';
import { type Block, bold, errorReply, fields, type Reply, reply, text } from '../chat/reply.ts';
import { atLeast, type User } from '../domain/people/index.ts';
import type { Locale, Translate } from '../i18n/index.ts';
import { choiceList, usageLine } from './parse.ts';
import { arg, type Command, defineCommand, displayName, type MinRole, type Registry } from './registry.ts';

function mayRun(user: User | undefined, minRole: MinRole) {
  return minRole === 'anyone' || (user !== undefined && atLeast(user.role, minRole));
}

function actionsOf(command: Command) {
  return [...(command.action ? [command.action] : []), ...command.subcommands];
}

function overview(registry: Registry, user: User | undefined, locale: Locale, t: Translate): Reply {
  const lines = registry.commands
    .filter((command) => actionsOf(command).some((action) => mayRun(user, action.minRole)))
    .map((command) => [bold(`/${displayName(command, locale)}`), ` — ${command.description[locale]}`, '\n']);
  return reply(text(bold(t('help.title'))), text(...lines.flat().slice(0, -1)), text(t('help.footer')));
}

function detail(command: Command, user: User | undefined, locale: Locale, t: Translate): Reply {
  const blocks: Block[] = [text(bold(`/${displayName(command, locale)}`), ` — ${command.description[locale]}`)];
  const usages: string[] = [];
  const options: Array<[string, string]> = [];
  const name = displayName(command, locale);
  if (command.action && mayRun(user, command.action.minRole))
    usages.push(usageLine([name], command.action.args, locale));
  for (const sub of command.subcommands.filter((s) => mayRun(user, s.minRole))) {
    usages.push(`${usageLine([name, displayName(sub, locale)], sub.args, locale)}  — ${sub.description[locale]}`);
  }
  for (const action of actionsOf(command)) {
    for (const spec of Object.values(action.args)) {
      const label =
        spec.kind === 'key' || spec.kind === 'flag' ? `${spec.words?.[locale].join(', ')}` : spec.name[locale];
      const choices = choiceList(spec, locale);
      const description =
        choices.length > 0 ? `${spec.description[locale]}: ${t.list(choices, 'or')}` : spec.description[locale];
      if (!options.some(([existing]) => existing === label)) options.push([label, description]);
    }
  }
  blocks.push(text(`${t('help.usage')}:\n${usages.join('\n')}`));
  if (options.length > 0) blocks.push(text(bold(t('help.options'))), fields(options));
  const aliases = [command.name, ...command.aliases.es, ...command.aliases.en].filter((alias) => alias !== name);
  if (aliases.length > 0)
    blocks.push(text(t('help.aliases', { aliases: [...new Set(aliases)].map((a) => `/${a}`).join(', ') })));
  return reply(...blocks);
}

export const helpCommand = defineCommand({
  name: 'help',
  aliases: { es: 'ayuda' },
  description: {
    es: 'Los comandos que puedes usar, o cómo se usa uno',
    en: 'The commands you can use, or how to use one',
  },
  minRole: 'anyone',
  args: {
    command: arg.positional(
      z.string().optional(),
      { es: 'comando', en: 'command' },
      { es: 'El comando a explicar', en: 'The command to explain' },
    ),
  },
  async run(ctx, args) {
    if (!args.command) return overview(ctx.registry, ctx.user, ctx.locale, ctx.t);
    const command = ctx.registry.find(args.command.replace(/^\//, ''));
    if (!command || !actionsOf(command).some((action) => mayRun(ctx.user, action.minRole))) {
      return errorReply(
        text(
          ctx.t('error.unknown_command', { command: `/${args.command.replace(/^\//, '')}` }),
          ' ',
          ctx.t('error.see_help'),
        ),
      );
    }
    return detail(command, ctx.user, ctx.locale, ctx.t);
  },
});
