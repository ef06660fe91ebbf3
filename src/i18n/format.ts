import type { Locale } from '../config.ts';
import { type Money, toDecimal } from '../money.ts';

/** The shop's regional conventions: the region whose number style is used, and the time zone times are shown in. */
export interface Conventions {
  /** ISO 3166 country code (MX, ES, US…): `1,234` in MX, `1.234` in ES. */
  region: string;
  /** IANA time zone; every time shown names it (`15:53 CST`). */
  timeZone: string;
}

/** The region a language's conventions follow when the shop names none: Spanish as in Mexico, English as in the US. */
export const defaultRegion: Record<Locale, string> = { es: 'MX', en: 'US' };

/** Numbers, money, dates and lists written one way for a language in the shop's region and time zone. */
export interface Formats {
  number(value: number): string;
  /** `$1,299.00 MXN` in es-MX, `1.299,00 € EUR` in es-ES: exact, from the minor units, never through a float. */
  money(value: Money): string;
  /** `23 nov 2026, 15:53 CST`: day, month, year and time in the shop's zone, with the zone named. */
  dateTime(at: Date): string;
  /** `15:53 CST`. */
  time(at: Date): string;
  /** `precio, pedidos o valoración` (or) and `stock, pedidos y reportes` (and). */
  list(items: string[], kind?: 'and' | 'or'): string;
  /** The zone as people read it: `CST`, `CET`, else the offset (`GMT-3`). */
  zoneName(at: Date): string;
}

/** The Intl locale for a language in a region (`es` + `ES` → `es-ES`); an unknown pair falls back to the language's default. */
export function intlLocale(language: Locale, region: string): string {
  const tag = `${language}-${region.toUpperCase()}`;
  return Intl.NumberFormat.supportedLocalesOf(tag).length > 0 ? tag : `${language}-${defaultRegion[language]}`;
}

/** Formatting for `language` under the shop's conventions. */
export function createFormats(language: Locale, conventions: Conventions): Formats {
  const tag = intlLocale(language, conventions.region);
  const { timeZone } = conventions;
  // `always`: Spain writes 1.234 (ICU's default leaves four-digit numbers ungrouped there).
  const numbers = new Intl.NumberFormat(tag, { useGrouping: 'always', maximumFractionDigits: 2 });
  const day = new Intl.DateTimeFormat(tag, { day: 'numeric', month: 'short', year: 'numeric', timeZone });
  const clock = new Intl.DateTimeFormat(tag, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone });
  const zoneName = (at: Date) => readableZone(tag, timeZone, at);
  return {
    number: (value) => numbers.format(value),
    money(value) {
      const formatted = new Intl.NumberFormat(tag, {
        style: 'currency',
        currency: value.currency,
        currencyDisplay: 'narrowSymbol',
        useGrouping: 'always',
      }).format(toDecimal(value));
      return `${formatted} ${value.currency}`;
    },
    dateTime: (at) => `${day.format(at).replace(/\.$/, '')}, ${clock.format(at)} ${zoneName(at)}`,
    time: (at) => `${clock.format(at)} ${zoneName(at)}`,
    list: (items, kind = 'and') =>
      new Intl.ListFormat(tag, { type: kind === 'and' ? 'conjunction' : 'disjunction' }).format(items),
    zoneName,
  };
}

/** The short zone name in the shop's locale, else the first abbreviation English readers know, else the offset. */
function readableZone(tag: string, timeZone: string, at: Date): string {
  let offset = '';
  for (const candidate of [tag, 'en-US', 'en-GB']) {
    const name = new Intl.DateTimeFormat(candidate, { timeZone, timeZoneName: 'short' })
      .formatToParts(at)
      .find((part) => part.type === 'timeZoneName')?.value;
    if (!name) continue;
    if (!/^(GMT|UTC)[+-−]/.test(name)) return name;
    offset ||= name;
  }
  return offset;
}
