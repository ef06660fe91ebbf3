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

/** Built formatters by language, region and zone: Intl objects are costly to make and never change once made. */
const made = new Map<string, Formats>();

/** Formatting for `language` under the shop's conventions (made once per language, region and zone). */
export function createFormats(language: Locale, conventions: Conventions): Formats {
  const key = `${language}|${conventions.region}|${conventions.timeZone}`;
  let formats = made.get(key);
  if (!formats) {
    formats = buildFormats(language, conventions);
    made.set(key, formats);
  }
  return formats;
}

function buildFormats(language: Locale, conventions: Conventions): Formats {
  const tag = intlLocale(language, conventions.region);
  const { timeZone } = conventions;
  // `always`: Spain writes 1.234 (ICU's default leaves four-digit numbers ungrouped there).
  const numbers = new Intl.NumberFormat(tag, { useGrouping: 'always', maximumFractionDigits: 2 });
  const day = new Intl.DateTimeFormat(tag, { day: 'numeric', month: 'short', year: 'numeric', timeZone });
  const clock = new Intl.DateTimeFormat(tag, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone });
  const zoneNames = ([tag, 'en-US', 'en-GB'] as const).map(
    (candidate) => new Intl.DateTimeFormat(candidate, { timeZone, timeZoneName: 'short' }),
  );
  const zoneName = (at: Date) => readableZone(zoneNames, at);
  const currencies = new Map<string, Intl.NumberFormat>();
  const currency = (code: string) => {
    let format = currencies.get(code);
    if (!format) {
      format = new Intl.NumberFormat(tag, {
        style: 'currency',
        currency: code,
        currencyDisplay: 'narrowSymbol',
        useGrouping: 'always',
      });
      currencies.set(code, format);
    }
    return format;
  };
  return {
    number: (value) => numbers.format(value),
    money: (value) => `${currency(value.currency).format(toDecimal(value))} ${value.currency}`,
    dateTime: (at) => `${day.format(at).replace(/\.$/, '')}, ${clock.format(at)} ${zoneName(at)}`,
    time: (at) => `${clock.format(at)} ${zoneName(at)}`,
    list: (items, kind = 'and') =>
      new Intl.ListFormat(tag, { type: kind === 'and' ? 'conjunction' : 'disjunction' }).format(items),
    zoneName,
  };
}

/** The short zone name in the shop's locale, else the first abbreviation English readers know, else the offset. */
function readableZone(formats: Intl.DateTimeFormat[], at: Date): string {
  let offset = '';
  for (const format of formats) {
    const name = format.formatToParts(at).find((part) => part.type === 'timeZoneName')?.value;
    if (!name) continue;
    if (!/^(GMT|UTC)[+-−]/.test(name)) return name;
    offset ||= name;
  }
  return offset;
}
