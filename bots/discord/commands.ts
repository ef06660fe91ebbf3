// Discord's slash commands, made from the one registry: names and descriptions in English with es-ES and es-419
// localisations, subcommands, typed options (integers and numbers with their bounds, choices), autocomplete where
// a command can complete. And the way back: an invocation's options as the command line the router parses.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ArgSpec, ArgSpecs, Command, Registry, Subcommand } from '../../src/commands/registry.ts';
import { normaliseWord } from '../../src/commands/registry.ts';
import type { CommandOption } from './interactions.ts';

export const OptionType = { SubCommand: 1, String: 3, Integer: 4, Boolean: 5, Number: 10 } as const;

/** Discord's limits for command definitions. */
export const LIMITS = { name: 32, description: 100, options: 25, choices: 25, commands: 100 } as const;

export interface DiscordOption {
  type: number;
  name: string;
  description: string;
  name_localizations?: Record<string, string>;
  description_localizations?: Record<string, string>;
  required?: boolean;
  choices?: Array<{ name: string; name_localizations?: Record<string, string>; value: string }>;
  options?: DiscordOption[];
  autocomplete?: boolean;
  min_value?: number;
  max_value?: number;
  max_length?: number;
}

export interface DiscordCommand {
  type: 1;
  name: string;
  description: string;
  name_localizations: Record<string, string>;
  description_localizations: Record<string, string>;
  options: DiscordOption[];
}

const SPANISH = ['es-ES', 'es-419'];
const spanish = (value: string) => Object.fromEntries(SPANISH.map((locale) => [locale, value]));
const describe = (value: string) => [...value].slice(0, LIMITS.description).join('') || '-';

/** Discord names: 1-32 lowercase letters, digits, - and _. */
export function discordName(word: string): string {
  return (
    normaliseWord(word)
      .replace(/[^\p{L}\p{N}_-]/gu, '_')
      .slice(0, LIMITS.name) || '_'
  );
}

/** Slash-command definitions for every command of the registry, in English with Spanish localisations. */
export function discordCommands(registry: Registry): DiscordCommand[] {
  return registry.commands.slice(0, LIMITS.commands).map((command) => ({
    type: 1,
    name: discordName(command.name),
    description: describe(command.description.en),
    name_localizations: spanish(discordName(command.aliases.es[0] ?? command.name)),
    description_localizations: spanish(describe(command.description.es)),
    options: optionsOf(command),
  }));
}

/** A stable digest of the definitions: `bodega start` registers again only when it changes. */
export function commandsHash(commands: DiscordCommand[]): string {
  return createHash('sha256').update(JSON.stringify(commands)).digest('hex');
}

/**
 * A command with subcommands cannot also run bare on Discord: its bare action becomes a subcommand of its own,
 * under the first of these names that no real subcommand uses.
 */
export function bareName(command: Command): string {
  const taken = new Set(command.subcommands.flatMap((sub) => [sub.name, ...sub.aliases.en].map(discordName)));
  return ['show', 'view', 'main'].find((name) => !taken.has(name)) ?? 'bare';
}

function optionsOf(command: Command): DiscordOption[] {
  if (command.subcommands.length === 0)
    return argOptions(command.action?.args ?? {}, Boolean(command.action?.complete));
  const bare: Subcommand[] = command.action
    ? [{ name: bareName(command), aliases: { es: ['ver'], en: [] }, ...command.action }]
    : [];
  return [...bare, ...command.subcommands].slice(0, LIMITS.options).map((sub) => ({
    type: OptionType.SubCommand,
    name: discordName(sub.name),
    description: describe(sub.description.en),
    name_localizations: spanish(discordName(sub.aliases.es[0] ?? sub.name)),
    description_localizations: spanish(describe(sub.description.es)),
    options: argOptions(sub.args, Boolean(sub.complete)),
  }));
}

function argOptions(specs: ArgSpecs, autocomplete: boolean): DiscordOption[] {
  const options = Object.values(specs).map((spec) => argOption(spec, autocomplete));
  // Discord requires required options before optional ones.
  return [...options.filter((o) => o.required), ...options.filter((o) => !o.required)].slice(0, LIMITS.options);
}

/** An option's name: a `key:value` argument is named by its key (min, max), others by their own name. */
export function optionName(spec: ArgSpec, locale: 'es' | 'en' = 'en'): string {
  return discordName((spec.kind === 'key' ? spec.words?.[locale][0] : undefined) ?? spec.name[locale]);
}

function argOption(spec: ArgSpec, autocomplete: boolean): DiscordOption {
  const typed = discordType(spec);
  const { type, choices } = typed;
  return {
    type,
    name: optionName(spec),
    description: describe(spec.description.en),
    name_localizations: spanish(optionName(spec, 'es')),
    description_localizations: spanish(describe(spec.description.es)),
    required: spec.kind !== 'flag' && !spec.schema.safeParse(undefined).success,
    ...(choices ? { choices: choices.slice(0, LIMITS.choices) } : {}),
    ...(typed.min !== undefined ? { min_value: typed.min } : {}),
    ...(typed.max !== undefined ? { max_value: typed.max } : {}),
    ...(typed.maxLength !== undefined ? { max_length: Math.min(typed.maxLength, 6_000) } : {}),
    ...(autocomplete && type === OptionType.String && !choices ? { autocomplete: true } : {}),
  };
}

interface Typed {
  type: number;
  choices?: DiscordOption['choices'];
  min?: number;
  max?: number;
  maxLength?: number;
}

/** Reads the option type from the zod schema: integers and numbers with bounds, booleans, choices, else text. */
function discordType(spec: ArgSpec): Typed {
  if (spec.kind === 'flag') return { type: OptionType.Boolean };
  if (spec.choices)
    return {
      type: OptionType.String,
      choices: Object.entries(spec.choices).map(([value, words]) => ({
        name: describe(words.en[0] ?? value),
        name_localizations: spanish(describe(words.es[0] ?? value)),
        value,
      })),
    };
  const inner = unwrap(spec.schema);
  if (inner instanceof z.ZodNumber) return numberType(inner);
  if (inner instanceof z.ZodBoolean) return { type: OptionType.Boolean };
  if (inner instanceof z.ZodEnum)
    return {
      type: OptionType.String,
      choices: inner.options.map((value) => ({ name: String(value), value: String(value) })),
    };
  const maxLength = inner instanceof z.ZodString ? inner.maxLength : null;
  return { type: OptionType.String, ...(maxLength !== null ? { maxLength } : {}) };
}

const SAFE = 2 ** 53;
function numberType(schema: z.ZodNumber): Typed {
  const integer = schema.format === 'safeint' || schema.isInt;
  const bound = (value: number | null) =>
    value === null || !Number.isFinite(value) || Math.abs(value) > SAFE ? undefined : value;
  const min = bound(schema.minValue);
  const max = bound(schema.maxValue);
  return {
    type: integer ? OptionType.Integer : OptionType.Number,
    ...(min !== undefined ? { min } : {}),
    ...(max !== undefined ? { max } : {}),
  };
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

/** What an invocation names: the command, its subcommand (undefined for the bare action), and the options given. */
export interface Invoked {
  command: Command;
  sub: Subcommand | undefined;
  specs: ArgSpecs;
  options: CommandOption[];
}

/** Finds the command and subcommand an interaction names (Discord sends the base, English, names). */
export function resolveInvocation(
  registry: Registry,
  name: string,
  options: CommandOption[] = [],
): Invoked | undefined {
  const command = registry.commands.find((candidate) => discordName(candidate.name) === name);
  if (!command) return undefined;
  const subOption = options.find((option) => option.type === OptionType.SubCommand);
  if (!subOption) return { command, sub: undefined, specs: command.action?.args ?? {}, options };
  const nested = subOption.options ?? [];
  if (command.action && subOption.name === bareName(command))
    return { command, sub: undefined, specs: command.action.args, options: nested };
  const sub = command.subcommands.find((candidate) => discordName(candidate.name) === subOption.name);
  return sub ? { command, sub, specs: sub.args, options: nested } : undefined;
}

/** The argument key an option fills. */
export function argKeyOf(specs: ArgSpecs, name: string): string | undefined {
  return Object.entries(specs).find(([, spec]) => optionName(spec) === name)?.[0];
}

/** The command line the router parses for an invocation: `/stock add TAZA-1 3 "la nota"`, keys as `key:value`. */
export function commandLine(invoked: Invoked): string {
  const words = [`/${invoked.command.name}`];
  if (invoked.sub) words.push(invoked.sub.name);
  const byName = new Map(invoked.options.map((option) => [option.name, option.value]));
  for (const spec of Object.values(invoked.specs)) {
    const value = byName.get(optionName(spec));
    if (value === undefined || value === '') continue;
    if (spec.kind === 'flag') {
      if (value === true) words.push(spec.words?.en[0] ?? spec.name.en);
    } else if (spec.kind === 'key') words.push(`${spec.words?.en[0] ?? spec.name.en}:${quote(String(value))}`);
    else words.push(spec.kind === 'rest' && !String(value).includes(':') ? String(value) : quote(String(value)));
  }
  return words.join(' ');
}

/** Keeps a value one word for the text grammar: quoted when it has spaces, quotes or a colon. */
function quote(value: string): string {
  if (!/[\s"'“”«»‘’:\\]/.test(value)) return value;
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
