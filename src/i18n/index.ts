import type { Locale } from '../config.ts';
import { en } from './en.ts';
import { es } from './es.ts';

export type { Locale };
export type MessageKey = keyof typeof es;
export type Catalogue = Record<MessageKey, string>;
export type Params = Record<string, string | number>;

/** A translator bound to one language. */
export type Translate = (key: MessageKey, params?: Params) => string;

export const catalogues: Record<Locale, Catalogue> = { es, en };

/** The text for `key` in `locale`, with `{name}` placeholders filled. */
export function t(locale: Locale, key: MessageKey, params: Params = {}): string {
  return catalogues[locale][key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

export function translator(locale: Locale): Translate {
  return (key, params) => t(locale, key, params);
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
