import { z } from 'zod';
import type { Locale } from '../i18n/index.ts';
import { type ArgSpec, type ArgSpecs, type Command, normaliseWord, type Registry } from './registry.ts';

/** One entry of Telegram's `setMyCommands` for a language. */
export interface TelegramMenuEntry {
  command: string;
  description: string;
}

/** The command menu Telegram shows in `locale` (Spanish names for es). */
export function telegramMenu(registry: Registry, locale: Locale): TelegramMenuEntry[] {
  return registry.commands.map((command) => ({
    command: telegramName(locale === 'es' ? (command.aliases.es[0] ?? command.name) : command.name),
    description: command.description[locale].slice(0, 256),
  }));
}

/** Telegram command names: 1-32 of a-z, 0-9 and underscore. */
function telegramName(word: string): string {
  return normaliseWord(word)
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 32);
}

export const DiscordOptionType = { SubCommand: 1, String: 3, Integer: 4, Boolean: 5, Number: 10 } as const;

export interface DiscordOption {
  type: number;
  name: string;
  description: string;
  name_localizations?: Record<string, string>;
  description_localizations?: Record<string, string>;
  required?: boolean;
  choices?: Array<{ name: string; value: string }>;
  options?: DiscordOption[];
  autocomplete?: boolean;
}

export interface DiscordCommand {
  name: string;
  description: string;
  name_localizations: Record<string, string>;
  description_localizations: Record<string, string>;
  options: DiscordOption[];
  type: 1;
}

const SPANISH = ['es-ES', 'es-419'];
const spanish = (value: string) => Object.fromEntries(SPANISH.map((locale) => [locale, value]));

/** Discord slash-command definitions with typed options, in English with Spanish localisations. */
export function discordCommands(registry: Registry): DiscordCommand[] {
  return registry.commands.map((command) => ({
    type: 1,
    name: discordName(command.name),
    description: command.description.en.slice(0, 100),
    name_localizations: spanish(discordName(command.aliases.es[0] ?? command.name)),
    description_localizations: spanish(command.description.es.slice(0, 100)),
    options: discordOptionsOf(command),
  }));
}

function discordOptionsOf(command: Command): DiscordOption[] {
  if (command.subcommands.length === 0)
    return argOptions(command.action?.args ?? {}, Boolean(command.action?.complete));
  // A Discord command with subcommands cannot also run bare; its bare action becomes a subcommand of its own.
  const bare = command.action ? [{ name: 'show', aliases: { es: ['ver'], en: [] }, ...command.action }] : [];
  return [...bare, ...command.subcommands].map((sub) => ({
    type: DiscordOptionType.SubCommand,
    name: discordName(sub.name),
    description: sub.description.en.slice(0, 100),
    name_localizations: spanish(discordName(sub.aliases.es[0] ?? sub.name)),
    description_localizations: spanish(sub.description.es.slice(0, 100)),
    options: argOptions(sub.args, Boolean(sub.complete)),
  }));
}

function argOptions(specs: ArgSpecs, autocomplete: boolean): DiscordOption[] {
  const options = Object.entries(specs).map(([, spec]) => argOption(spec, autocomplete));
  // Discord requires required options before optional ones.
  return [...options.filter((o) => o.required), ...options.filter((o) => !o.required)];
}

function argOption(spec: ArgSpec, autocomplete: boolean): DiscordOption {
  const { type, choices } = discordType(spec);
  return {
    type,
    name: discordName(spec.name.en),
    description: spec.description.en.slice(0, 100),
    name_localizations: spanish(discordName(spec.name.es)),
    description_localizations: spanish(spec.description.es.slice(0, 100)),
    required: spec.kind !== 'flag' && !spec.schema.safeParse(undefined).success,
    ...(choices ? { choices: choices.slice(0, 25).map((value) => ({ name: value, value })) } : {}),
    ...(autocomplete && type === DiscordOptionType.String && !choices ? { autocomplete: true } : {}),
  };
}

/** Reads the option type from the zod schema: integers, numbers, booleans, enums (as choices), else text. */
function discordType(spec: ArgSpec): { type: number; choices?: string[] } {
  if (spec.kind === 'flag') return { type: DiscordOptionType.Boolean };
  if (spec.choices) return { type: DiscordOptionType.String, choices: Object.keys(spec.choices) };
  const inner = unwrap(spec.schema);
  if (inner instanceof z.ZodNumber)
    return { type: inner.format === 'safeint' || inner.isInt ? DiscordOptionType.Integer : DiscordOptionType.Number };
  if (inner instanceof z.ZodBoolean) return { type: DiscordOptionType.Boolean };
  if (inner instanceof z.ZodEnum) return { type: DiscordOptionType.String, choices: inner.options.map(String) };
  return { type: DiscordOptionType.String };
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodDefault || current instanceof z.ZodNullable) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodPipe) {
      current = current.in as z.ZodType;
    } else {
      return current;
    }
  }
}

/** Discord names: 1-32 lowercase letters, digits, - and _. */
function discordName(word: string): string {
  return normaliseWord(word)
    .replace(/[^\p{L}\p{N}_-]/gu, '_')
    .slice(0, 32);
}
