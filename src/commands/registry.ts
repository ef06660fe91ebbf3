import { z } from 'zod';
import type { Reply } from '../chat/reply.ts';
import type { Role } from '../domain/people/index.ts';
import type { Locale, MessageKey } from '../i18n/index.ts';
import type { CommandContext } from './context.ts';

/** Text in both languages, written next to the command it describes. */
export interface Localized {
  es: string;
  en: string;
}

/** How a Spanish noun agrees in a sentence: masculine or feminine, singular or plural ("La reserva no es válida"). */
export type Form = 'm' | 'f' | 'mp' | 'fp';

/**
 * An argument's name in both languages, as usage lines and option names show it; `form` is the Spanish noun's
 * gender and number (masculine singular when unset). `spoken` is the noun a sentence uses where the shown name is
 * a short placeholder (`<qty>` is read "the quantity"); a language without it says the shown name.
 */
export interface ArgName extends Localized {
  form?: Form;
  spoken?: Partial<Localized>;
}

/** How a sentence names an argument in the user's language: "The quantity must be…", never "The qty…". */
export function spokenName(name: ArgName, locale: Locale): string {
  return name.spoken?.[locale] ?? name[locale];
}

/** Words in each language; the first of each is the one shown (usage lines, buttons), all are accepted. */
export interface Words {
  es: string[];
  en: string[];
}

/** Words as written in a definition: one list for both languages, or each language's own. */
export type WordsInput = string[] | { es: string | string[]; en: string | string[] };

/** The accepted words of each value of a choice (`sí`/`si`/`on` → `on`). */
export type ChoiceWords = Record<string, Words>;

/** How an argument is written: in order, all remaining words, as `key:value`, or as a bare word. */
export type ArgKind = 'positional' | 'rest' | 'key' | 'flag';

export interface ArgSpec<S extends z.ZodType = z.ZodType> {
  kind: ArgKind;
  schema: S;
  /** Shown in usage lines and used as the Discord option name (en). */
  name: ArgName;
  description: Localized;
  /** For `key`: the key words, e.g. {es: ['envio'], en: ['ship']}. For `flag`: the flag words. */
  words?: Words;
  /** For a `choice()` schema: the words of each value, shown in the user's language. */
  choices?: ChoiceWords;
}

export type ArgSpecs = Record<string, ArgSpec>;
export type ArgValues<A extends ArgSpecs> = { [K in keyof A]: z.output<A[K]['schema']> };

/** A handler asks for long work by returning this; the router stores it as a durable task. */
export interface TaskRequest {
  task: { kind: string; input: unknown };
}

export type Outcome = Reply | TaskRequest;

/** `anyone` includes identities not linked yet (/start, /help); the rest need a linked user with that role. */
export type MinRole = 'anyone' | Role;

interface ActionBase {
  description: Localized;
  minRole: MinRole;
  args: ArgSpecs;
  run(ctx: CommandContext, args: Record<string, unknown>): Promise<Outcome>;
  complete?(ctx: CommandContext, arg: string, partial: string): Promise<string[]>;
}

export interface Subcommand extends ActionBase {
  name: string;
  aliases: { es: string[]; en: string[] };
}

export interface Command {
  name: string;
  aliases: { es: string[]; en: string[] };
  description: Localized;
  /** What runs with no subcommand (or for a command without subcommands). */
  action?: ActionBase;
  subcommands: Subcommand[];
}

interface ActionDefinition<A extends ArgSpecs> {
  description?: Localized;
  minRole: MinRole;
  args?: A;
  run(ctx: CommandContext, args: ArgValues<A>): Promise<Outcome>;
  complete?(ctx: CommandContext, arg: string, partial: string): Promise<string[]>;
}

interface AliasDefinition {
  es?: string | string[];
  en?: string | string[];
}

const list = (value: string | string[] | undefined) =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

function action<A extends ArgSpecs>(definition: ActionDefinition<A>, description: Localized): ActionBase {
  return {
    description: definition.description ?? description,
    minRole: definition.minRole,
    args: definition.args ?? {},
    run: definition.run as ActionBase['run'],
    ...(definition.complete ? { complete: definition.complete } : {}),
  };
}

/** Defines a command once; help, menus, slash commands and the text grammar all come from it. */
export function defineCommand<A extends ArgSpecs>(
  definition: {
    name: string;
    aliases?: AliasDefinition;
    description: Localized;
    subcommands?: Subcommand[];
  } & Partial<ActionDefinition<A>>,
): Command {
  const { name, aliases, description, subcommands = [] } = definition;
  const hasAction = definition.run !== undefined && definition.minRole !== undefined;
  return {
    name,
    aliases: { es: list(aliases?.es), en: list(aliases?.en) },
    description,
    ...(hasAction ? { action: action(definition as ActionDefinition<A>, description) } : {}),
    subcommands,
  };
}

/** Defines a subcommand such as `add`/`agregar`. */
export function subcommand<A extends ArgSpecs>(
  definition: {
    name: string;
    aliases?: AliasDefinition;
    description: Localized;
  } & ActionDefinition<A>,
): Subcommand {
  return {
    name: definition.name,
    aliases: { es: list(definition.aliases?.es), en: list(definition.aliases?.en) },
    ...action(definition, definition.description),
  };
}

const asList = (value: string | string[]) => (Array.isArray(value) ? value : [value]);

/** Normalises a definition's words: a plain list is the same in both languages. */
export function wordsOf(input: WordsInput): Words {
  return Array.isArray(input) ? { es: input, en: input } : { es: asList(input.es), en: asList(input.en) };
}

/** The choices of a schema made by `choice()`, if it is one. */
function choicesOf(schema: z.ZodType): ChoiceWords | undefined {
  return (schema as Partial<{ choices: ChoiceWords }>).choices;
}

const spec = <S extends z.ZodType>(kind: ArgKind, schema: S, name: ArgName, description: Localized): ArgSpec<S> => {
  const choices = choicesOf(schema);
  return { kind, schema, name, description, ...(choices ? { choices } : {}) };
};

/** Argument builders: `arg.positional(z.string(), {es:'sku', en:'sku'}, {...})`. */
export const arg = {
  positional: <S extends z.ZodType>(schema: S, name: ArgName, description: Localized): ArgSpec<S> =>
    spec('positional', schema, name, description),
  rest: <S extends z.ZodType>(schema: S, name: ArgName, description: Localized): ArgSpec<S> =>
    spec('rest', schema, name, description),
  key: <S extends z.ZodType>(schema: S, words: WordsInput, name: ArgName, description: Localized): ArgSpec<S> => ({
    ...spec('key', schema, name, description),
    words: wordsOf(words),
  }),
  flag: (words: WordsInput, name: ArgName, description: Localized): ArgSpec<z.ZodDefault<z.ZodBoolean>> => ({
    kind: 'flag',
    schema: z.boolean().default(false),
    name,
    description,
    words: wordsOf(words),
  }),
};

type ChoiceDefinition<V extends string> = Record<V, { es: string | string[]; en: string | string[] }>;

function choiceWords<V extends string>(definition: ChoiceDefinition<V>) {
  const choices: ChoiceWords = {};
  const valueByWord = new Map<string, string>();
  for (const [value, words] of Object.entries(definition) as Array<[V, ChoiceDefinition<V>[V]]>) {
    choices[value] = wordsOf(words);
    for (const word of [value, ...(choices[value]?.es ?? []), ...(choices[value]?.en ?? [])])
      valueByWord.set(normaliseWord(word), value);
  }
  const toValue = (input: unknown) =>
    typeof input === 'string' ? (valueByWord.get(normaliseWord(input)) ?? input) : input;
  return { choices, toValue, values: Object.keys(definition) as [V, ...V[]] };
}

/**
 * A fixed set of values typed in either language, accents and case aside (`sí`, `si`, `on` → `on`;
 * `dueño`, `dueno`, `owner` → `owner`). Usage lines, errors and help show the user's language's words.
 */
export function choice<const V extends string>(definition: ChoiceDefinition<V>) {
  const { choices, toValue, values } = choiceWords(definition);
  return Object.assign(z.preprocess(toValue, z.enum(values)), { choices });
}

/** `choice()` that may be left out. */
export function optionalChoice<const V extends string>(definition: ChoiceDefinition<V>) {
  const { choices, toValue, values } = choiceWords(definition);
  return Object.assign(z.preprocess(toValue, z.enum(values).optional()), { choices });
}

/** The word a user of `locale` types for a choice value or a key (the first of their language's words). */
export function shownWord(words: Words | undefined, locale: Locale, fallback: string): string {
  return words?.[locale][0] ?? fallback;
}

/** Metadata for a number argument written without grouping in messages, such as a year (2000, never 2,000). */
export const PLAIN_DIGITS = { digits: 'plain' } as const;

/** A whole quantity typed in chat: 1 to 1,000,000. */
export const quantity = () => z.coerce.number().int().min(1).max(1_000_000);

/** The name of a quantity argument: `<cantidad>`/`<qty>` in usage lines, "la cantidad"/"the quantity" in sentences. */
export const QUANTITY_NAME: ArgName = { es: 'cantidad', en: 'qty', form: 'f', spoken: { en: 'quantity' } };

/**
 * What a check says when it fails, for a schema's own rule: a catalogue key, written in the user's language
 * instead of "is not valid" (`z.string().refine(ok, because('product.negative_price'))`). It stops the later checks.
 */
export function because(reason: MessageKey) {
  return { params: { reason }, abort: true } as const;
}

/** A typed price that matches `pattern`; one written with a minus sign is refused saying a price cannot be negative. */
export const pricePattern = (pattern: RegExp) =>
  z
    .string()
    .refine((value) => !/^-\s*\d/.test(value.trim()), because('product.negative_price'))
    .regex(pattern);

/** A price typed in chat ("12", "12.50", "12,50"); its currency's decimals are checked when it is parsed. */
export const priceText = () => pricePattern(/^\d{1,12}([.,]\d{1,4})?$/);

/** The number of a record shown in chat as #12 (task, reservation, watch), typed with or without the #. */
export const recordNumber = () =>
  z
    .string()
    .regex(/^#?\d{1,15}$/)
    .transform((value) => Number(value.replace('#', '')));

/** The commands of one running bodega (no module-level registry, so tests can build their own). */
export interface Registry {
  commands: Command[];
  find(word: string): Command | undefined;
  /** Every name and alias, for "did you mean". */
  allNames(): string[];
}

export function createRegistry(commands: Command[]): Registry {
  const byWord = new Map<string, Command>();
  for (const command of commands) {
    for (const word of [command.name, ...command.aliases.es, ...command.aliases.en]) {
      const key = normaliseWord(word);
      const clash = byWord.get(key);
      if (clash && clash !== command)
        throw new Error(`Command word "${word}" is used by /${clash.name} and /${command.name}`);
      byWord.set(key, command);
    }
  }
  return {
    commands,
    find: (word) => byWord.get(normaliseWord(word)),
    allNames: () => [...byWord.keys()],
  };
}

/** Lower case without accents, so /estadisticas finds /estadísticas. */
export function normaliseWord(word: string): string {
  return word
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();
}

/** The name a user of `locale` sees for a command or subcommand. */
export function displayName(item: { name: string; aliases: { es: string[]; en: string[] } }, locale: Locale): string {
  return locale === 'es' ? (item.aliases.es[0] ?? item.name) : item.name;
}

export function findSubcommand(command: Command, word: string): Subcommand | undefined {
  const key = normaliseWord(word);
  return command.subcommands.find((sub) =>
    [sub.name, ...sub.aliases.es, ...sub.aliases.en].some((candidate) => normaliseWord(candidate) === key),
  );
}
