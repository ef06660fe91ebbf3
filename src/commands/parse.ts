import { z } from 'zod';
import { reasonText } from '../chat/error-text.ts';
import { catalogues, type Locale, type Translate } from '../i18n/index.ts';
import { type ArgSpec, type ArgSpecs, normaliseWord, shownWord, spokenName } from './registry.ts';

export interface Token {
  text: string;
  /** Index in `text` where quoting began; a `key:` before it is a key, a colon inside quotes is not. */
  quotedFrom: number | undefined;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: string[] };

const QUOTES: Record<string, string> = { '"': '"', "'": "'", '“': '”', '«': '»', '‘': '’' };

/**
 * Splits a command line into words. Quotes (straight, curly or «») keep spaces inside one value; a quote
 * opens only where a value starts (a word's start or right after `key:`), so the apostrophe in `Levi's`
 * and the inch mark in `5"` are letters. A straight quote closes only before a space or the end, and a
 * backslash keeps the next quote as it is (`"Funda \"premium\" piel"`).
 */
export function tokenize(line: string, t: Translate): Parsed<Token[]> {
  const tokens: Token[] = [];
  let current: Token | undefined;
  let closing: string | undefined;
  const chars = [...line];
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i] as string;
    const next = chars[i + 1];
    if (
      char === '\\' &&
      next !== undefined &&
      (next in QUOTES || Object.values(QUOTES).includes(next) || next === '\\')
    ) {
      current ??= { text: '', quotedFrom: undefined };
      current.text += next;
      i++;
      continue;
    }
    if (closing) {
      const straight = closing === '"' || closing === "'";
      if (char === closing && (!straight || next === undefined || /\s/.test(next))) closing = undefined;
      else if (current) current.text += char;
      continue;
    }
    if (/\s/.test(char)) {
      if (current) tokens.push(current);
      current = undefined;
      continue;
    }
    current ??= { text: '', quotedFrom: undefined };
    const close = QUOTES[char];
    const valueStarts = current.text === '' || current.text.endsWith(':');
    if (close && valueStarts && current.quotedFrom === undefined) {
      closing = close;
      current.quotedFrom = current.text.length;
    } else {
      current.text += char;
    }
  }
  if (closing) return { ok: false, problems: [t('args.unclosed_quote')] };
  if (current) tokens.push(current);
  return { ok: true, value: tokens };
}

/** A line addressed to us: the command word, what follows it, and whether it was written with a slash. */
export interface Invocation {
  word: string;
  rest: string;
  slashed: boolean;
}

/** The command word and what follows it, or undefined when the text is not a command. */
export function splitInvocation(
  line: string,
  options: { slashRequired: boolean; botUsername?: string | undefined },
): Invocation | undefined {
  const trimmed = line.trim();
  const slashed = trimmed.startsWith('/');
  if (!slashed && options.slashRequired) return undefined;
  const body = slashed ? trimmed.slice(1) : trimmed;
  const match = body.match(/^([^\s@]+)(?:@(\S+))?(?:\s+([\s\S]*))?$/);
  if (!match?.[1]) return undefined;
  const [, word, mention, rest] = match;
  if (mention && options.botUsername && mention.toLowerCase() !== options.botUsername.toLowerCase()) return undefined;
  return { word, rest: rest ?? '', slashed };
}

/** Binds words to a command's arguments and validates each with its zod schema, in the user's language. */
export function bindArgs(specs: ArgSpecs, tokens: Token[], t: Translate): Parsed<Record<string, unknown>> {
  const raw: Record<string, unknown> = {};
  const problems: string[] = [];
  const positionals: string[] = [];
  const keyOwner = new Map<string, string>();
  const flagOwner = new Map<string, string>();
  for (const [name, spec] of Object.entries(specs)) {
    for (const word of [...(spec.words?.es ?? []), ...(spec.words?.en ?? [])])
      (spec.kind === 'key' ? keyOwner : flagOwner).set(normaliseWord(word), name);
  }
  for (const token of tokens) {
    const colon = token.text.indexOf(':');
    const keyPart =
      colon > 0 && (token.quotedFrom === undefined || colon < token.quotedFrom)
        ? token.text.slice(0, colon)
        : undefined;
    const keyName = keyPart === undefined ? undefined : keyOwner.get(normaliseWord(keyPart));
    if (keyName) {
      raw[keyName] = token.text.slice(colon + 1);
    } else if (
      keyPart !== undefined &&
      /^[\p{L}_]+$/u.test(keyPart) &&
      !/^https?$/i.test(keyPart) &&
      keyOwner.size > 0
    ) {
      problems.push(t('args.unknown_key', { key: keyPart }));
    } else if (token.quotedFrom === undefined && flagOwner.has(normaliseWord(token.text))) {
      raw[flagOwner.get(normaliseWord(token.text)) as string] = true;
    } else {
      positionals.push(token.text);
    }
  }
  assignPositionals(specs, positionals, raw, problems, t);
  const value: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const result = spec.schema.safeParse(raw[name]);
    if (result.success) value[name] = result.data;
    else problems.push(describeIssue(telling(result.error.issues), spec, raw[name], t));
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value };
}

function assignPositionals(
  specs: ArgSpecs,
  words: string[],
  raw: Record<string, unknown>,
  problems: string[],
  t: Translate,
) {
  const queue = [...words];
  for (const [name, spec] of Object.entries(specs)) {
    if (spec.kind === 'positional' && queue.length > 0) raw[name] = queue.shift();
    else if (spec.kind === 'rest' && queue.length > 0) raw[name] = queue.splice(0).join(' ');
  }
  if (queue.length > 0) problems.push(t('args.extra', { words: queue.join(' ') }));
}

/** The words of each choice value in the user's language, as shown: `precio`, `pedidos`, `valoracion`. */
export function choiceList(spec: ArgSpec, locale: Locale): string[] {
  return Object.entries(spec.choices ?? {}).map(([value, words]) => shownWord(words, locale, value));
}

/**
 * The issue worth telling: an integer past 2^53 breaks both zod's safe-integer check and the argument's own
 * maximum, and the seller should read the argument's (1,000,000), not the machine's.
 */
function telling(issues: z.core.$ZodIssue[]): z.core.$ZodIssue | undefined {
  const [first] = issues;
  if (first?.code !== 'too_big' || first.origin !== 'int') return first;
  return issues.find((issue) => issue.code === 'too_big' && issue.origin === 'number') ?? first;
}

/** One whole sentence about what is wrong with one argument, agreeing with its name ("La reserva no es válida"). */
function describeIssue(issue: z.core.$ZodIssue | undefined, spec: ArgSpec, value: unknown, t: Translate): string {
  const form = spec.name.form ?? 'm';
  const params = {
    arg: t('args.the', { name: spokenName(spec.name, t.locale), form }),
    form,
    value: typeof value === 'string' ? value : '',
  };
  if (!issue) return t('args.invalid', params);
  // A check that names its reason (registry's `because`, the SKU rule) is told in its own words; `valueAs` names
  // the placeholder its message shows the typed value in, as the domain's error with that key does (`{sku}`).
  const { reason, valueAs } = issue.code === 'custom' ? (issue.params ?? {}) : {};
  if (typeof reason === 'string' && reason in catalogues.es)
    return reasonText(reason, typeof valueAs === 'string' ? { ...params, [valueAs]: params.value } : params, t);
  // A bound goes to the message as a number (grouped as the region writes it) unless the argument is like a year.
  const bound = (value: unknown) => (spec.schema.meta()?.digits === 'plain' ? String(value) : Number(value));
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return t('args.missing', params);
      return issue.expected === 'int' || typedFraction(spec, value)
        ? t('args.not_integer', params)
        : t('args.not_number', params);
    case 'too_small':
      if (issue.origin === 'string' && value === '') return t('args.missing', params);
      return issue.origin === 'string'
        ? t('args.invalid', params)
        : t('args.too_small', { ...params, min: bound(issue.minimum) });
    case 'too_big':
      return issue.origin === 'string'
        ? t('args.too_long', { ...params, max: Number(issue.maximum) })
        : t('args.too_big', { ...params, max: bound(issue.maximum) });
    case 'invalid_value': {
      const options = spec.choices ? choiceList(spec, t.locale) : issue.values.map(String);
      return t('args.one_of', { ...params, options: t.list(options, 'or') });
    }
    default:
      return t('args.invalid', params);
  }
}

/** A fraction typed for a whole-number argument ("2,5" does not even read as a number): told as not whole. */
function typedFraction(spec: ArgSpec, value: unknown): boolean {
  return typeof value === 'string' && /^\d+[.,]\d+$/.test(value.trim()) && spec.schema instanceof z.ZodNumber
    ? spec.schema.isInt
    : false;
}

/** How an argument appears in a usage line: required things in `<>`, optional ones in `[]`, keys with their word. */
function usagePart(spec: ArgSpec, locale: Locale): string {
  const optional = spec.kind === 'flag' || spec.schema.safeParse(undefined).success;
  const choices = choiceList(spec, locale);
  const listed = choices.length > 0 && choices.length <= 4 ? choices.join('|') : undefined;
  const value = listed ?? spec.name[locale];
  const shown = (inner: string) => (optional ? `[${inner}]` : `<${inner}>`);
  switch (spec.kind) {
    case 'positional':
      return shown(value);
    case 'rest':
      return shown(`${value}…`);
    case 'key': {
      const keyed = `${shownWord(spec.words, locale, '')}:${listed ?? `<${value}>`}`;
      return optional ? `[${keyed}]` : keyed;
    }
    default:
      return `[${shownWord(spec.words, locale, '')}]`;
  }
}

/** The usage line in the user's language, e.g. `/producto agregar <sku> <título…> precio:<precio> [stock:<unidades>]`. */
export function usageLine(path: string[], specs: ArgSpecs, locale: Locale): string {
  return [`/${path.join(' ')}`, ...Object.values(specs).map((spec) => usagePart(spec, locale))].join(' ');
}

/** Edit distance counting a swap of neighbours as one edit (optimal string alignment), for "did you mean". */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => (d[i] as number[])[j] as number;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

/** The closest known word within a small distance, or undefined. */
export function closest(word: string, candidates: string[]): string | undefined {
  const target = normaliseWord(word);
  let best: { word: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(target, normaliseWord(candidate));
    if (!best || distance < best.distance) best = { word: candidate, distance };
  }
  const allowed = Math.max(1, Math.floor(target.length / 3));
  return best && best.distance <= allowed ? best.word : undefined;
}
