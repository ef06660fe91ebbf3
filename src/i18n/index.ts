import type { Locale } from '../config.ts';
import { en } from './en.ts';
import { es } from './es.ts';
import { type Conventions, createFormats, defaultRegion, type Formats } from './format.ts';

export { defaultRegion, intlLocale } from './format.ts';
export type { Conventions, Formats, Locale };

/** A message chosen by a number (`Intl.PluralRules`: "queda 1 disponible" / "quedan 3 disponibles"). */
export interface Plural {
  /** The parameter that decides; `count` when unset. */
  by?: string;
  one: string;
  other: string;
}

/**
 * A Spanish message that agrees with a noun's gender and number, chosen by the `form` parameter
 * ("La reserva no es válida", "El precio no es válido").
 */
export interface Agreement {
  m: string;
  f: string;
  mp: string;
  fp: string;
}

export type Message = string | Plural | Agreement;
export type MessageKey = keyof typeof es;
export type Catalogue = Record<MessageKey, Message>;
export type Params = Record<string, string | number>;

/** A translator bound to one language and the shop's conventions; it also formats numbers, money and dates. */
export interface Translate extends Formats {
  (key: MessageKey, params?: Params): string;
  readonly locale: Locale;
}

export const catalogues: Record<Locale, Catalogue> = { es, en };

/** Parameters that are identifiers (#1234), shown as they are; every other number is formatted for the region. */
const IDENTIFIERS = new Set(['id']);

function choose(message: Message, locale: Locale, params: Params): string {
  if (typeof message === 'string') return message;
  if ('one' in message) {
    const count = Number(params[message.by ?? 'count'] ?? 0);
    return new Intl.PluralRules(locale).select(count) === 'one' ? message.one : message.other;
  }
  const form = params.form;
  return form === 'f' || form === 'mp' || form === 'fp' ? message[form] : message.m;
}

/**
 * The text for `key`, with `{name}` placeholders filled: numbers are formatted for the region (except ids),
 * and `{Name}` (capitalised) puts the value's first letter in upper case, so a sentence can start with it.
 */
function fill(locale: Locale, formats: Formats, key: MessageKey, params: Params): string {
  return choose(catalogues[locale][key], locale, params).replace(/\{(\w+)\}/g, (whole, name: string) => {
    const lower = name.charAt(0).toLowerCase() + name.slice(1);
    if (!(lower in params)) return whole;
    const value = params[lower];
    const shown = typeof value === 'number' && !IDENTIFIERS.has(lower) ? formats.number(value) : String(value);
    return name === lower ? shown : shown.charAt(0).toUpperCase() + shown.slice(1);
  });
}

/** A translator for `locale`; without the shop's conventions it uses the language's default region and UTC. */
export function translator(locale: Locale, conventions?: Conventions): Translate {
  const formats = createFormats(locale, conventions ?? { region: defaultRegion[locale], timeZone: 'UTC' });
  const translate = (key: MessageKey, params: Params = {}) => fill(locale, formats, key, params);
  return Object.assign(translate, formats, { locale });
}

/** The text for `key` in `locale` with default conventions (tests and places that show no numbers). */
export function t(locale: Locale, key: MessageKey, params: Params = {}): string {
  return translator(locale)(key, params);
}

/** The language to answer in: the user's choice, else the platform's language code, else the default. */
export function pickLocale(
  chosen: string | null | undefined,
  platformCode: string | undefined,
  fallback: Locale,
): Locale {
  if (chosen === 'es' || chosen === 'en') return chosen;
  const base = platformCode?.toLowerCase().split(/[-_]/)[0];
  if (base === 'es' || base === 'en') return base;
  return fallback;
}

/** Picks the string for `locale` out of an inline `{ es, en }` pair (command definitions). */
export function pick(text: { es: string; en: string }, locale: Locale): string {
  return text[locale];
}
