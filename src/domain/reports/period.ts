/** A calendar month in the shop's time zone, with its bounds as instants: [start, end). */
export interface Period {
  year: number;
  month: number;
  /** `2026-11`: the month's key in file names and in the record of what was sent. */
  key: string;
  start: Date;
  end: Date;
  timeZone: string;
}

const MONTHS: Record<string, number> = {};
const NAMES = [
  ['enero', 'january', 'ene', 'jan'],
  ['febrero', 'february', 'feb'],
  ['marzo', 'march', 'mar'],
  ['abril', 'april', 'abr', 'apr'],
  ['mayo', 'may'],
  ['junio', 'june', 'jun'],
  ['julio', 'july', 'jul'],
  ['agosto', 'august', 'ago', 'aug'],
  ['septiembre', 'setiembre', 'september', 'sep', 'sept', 'set'],
  ['octubre', 'october', 'oct'],
  ['noviembre', 'november', 'nov'],
  ['diciembre', 'december', 'dic', 'dec'],
];
NAMES.forEach((words, index) => {
  for (const word of words) MONTHS[word] = index + 1;
});

/** A month typed in chat: a Spanish or English name or abbreviation (accents and case aside), or 1-12. */
export function monthNumber(word: string): number | undefined {
  const clean = word
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/\.$/, '');
  if (/^\d{1,2}$/.test(clean)) {
    const value = Number(clean);
    return value >= 1 && value <= 12 ? value : undefined;
  }
  return MONTHS[clean];
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** One formatter per zone: building one costs far more than using it, and reports convert every row's time. */
function zoneFormat(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formats.set(timeZone, format);
  }
  return format;
}

/** The wall-clock time of an instant in a zone, as a Date whose UTC fields read that wall time (for spreadsheets). */
export function wallClock(at: Date, timeZone: string): Date {
  const parts = zoneFormat(timeZone).formatToParts(at);
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  return new Date(
    Date.UTC(
      get('year'),
      get('month') - 1,
      get('day'),
      get('hour'),
      get('minute'),
      get('second'),
      at.getMilliseconds(),
    ),
  );
}

const QUARTER_HOUR = 900_000;

/**
 * `wallClock` for many instants in one zone, fast: a zone's offset only changes on a quarter hour (every offset in
 * use is a whole number of quarter hours, and so are the instants of its changes), so it is measured once per
 * quarter hour met and added to each instant.
 */
export function wallClockIn(timeZone: string): (at: Date) => Date {
  const offsets = new Map<number, number>();
  return (at) => {
    const ms = at.getTime();
    const quarter = Math.floor(ms / QUARTER_HOUR);
    let offset = offsets.get(quarter);
    if (offset === undefined) {
      const start = quarter * QUARTER_HOUR;
      offset = wallClock(new Date(start), timeZone).getTime() - start;
      offsets.set(quarter, offset);
    }
    return new Date(ms + offset);
  };
}

/** The instant a local midnight happens in a zone (DST-safe: the offset is measured twice). */
export function zonedMidnight(year: number, month: number, day: number, timeZone: string): Date {
  const naive = Date.UTC(year, month - 1, day);
  let guess = naive - (wallClock(new Date(naive), timeZone).getTime() - naive);
  guess = naive - (wallClock(new Date(guess), timeZone).getTime() - guess);
  return new Date(guess);
}

/** The period of a month in a zone. */
export function periodOf(year: number, month: number, timeZone: string): Period {
  const next = month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 };
  return {
    year,
    month,
    key: `${year}-${String(month).padStart(2, '0')}`,
    start: zonedMidnight(year, month, 1, timeZone),
    end: zonedMidnight(next.year, next.month, 1, timeZone),
    timeZone,
  };
}

/** The month before a period. */
export function previousPeriod(period: Period): Period {
  return period.month === 1
    ? periodOf(period.year - 1, 12, period.timeZone)
    : periodOf(period.year, period.month - 1, period.timeZone);
}

/** The month before the one `now` falls in, in the shop's zone: what "the report" means with no month given. */
export function lastMonth(now: Date, timeZone: string): Period {
  const local = wallClock(now, timeZone);
  return previousPeriod(periodOf(local.getUTCFullYear(), local.getUTCMonth() + 1, timeZone));
}

/**
 * The period a user asked for: month and year as typed, either may be missing. A month without a year is the
 * latest such month that has begun (November typed in January is last November).
 */
export function requestedPeriod(now: Date, timeZone: string, month?: number, year?: number): Period {
  if (month === undefined && year === undefined) return lastMonth(now, timeZone);
  const local = wallClock(now, timeZone);
  const thisYear = local.getUTCFullYear();
  const thisMonth = local.getUTCMonth() + 1;
  const chosenMonth = month ?? (year === thisYear ? thisMonth : 12);
  const chosenYear = year ?? (chosenMonth <= thisMonth ? thisYear : thisYear - 1);
  return periodOf(chosenYear, chosenMonth, timeZone);
}
