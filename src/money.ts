import { AppError } from './errors.ts';

/** An exact amount: integer minor units of an ISO 4217 currency (cents for MXN/USD, yen for JPY). Never a float. */
export interface Money {
  minor: number;
  currency: string;
}

const digitsOf = new Map<string, number>();

/** Minor-unit digits of a currency (2 for MXN/USD/EUR, 0 for JPY/CLP), from the platform's ICU data (asked once each). */
export function minorDigits(currency: string): number {
  let digits = digitsOf.get(currency);
  if (digits === undefined) {
    // Throws for a malformed code; well-formed ones are at most 26³, so the map stays bounded.
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    digitsOf.set(currency, digits);
  }
  return digits;
}

/** Parses a typed price ("12.50", "12,50", "1299") into exact integer minor units; never through a float. */
export function parsePrice(input: string, currency: string): number {
  const digits = minorDigits(currency);
  const match = input.trim().match(/^(\d{1,12})(?:[.,](\d+))?$/);
  if (!match || (match[2]?.length ?? 0) > digits) {
    throw new AppError(
      'invalid_input',
      `Price must be a number with at most ${digits} decimals`,
      { value: input, digits },
      'money.bad_price',
    );
  }
  const fraction = (match[2] ?? '').padEnd(digits, '0');
  return Number(`${match[1]}${fraction}`);
}

/**
 * A decimal amount from a supplier ("12.30", "343297.00") in exact minor units: zeros past the currency's
 * digits are dropped, and an amount with more significant decimals than the currency has is undefined.
 */
export function decimalMinor(decimal: string, currency: string): number | undefined {
  try {
    return parsePrice(
      decimal
        .trim()
        .replace(/(\.\d*?)0+$/, '$1')
        .replace(/\.$/, ''),
      currency,
    );
  } catch {
    return undefined;
  }
}

/** The exact decimal text of an amount ("1299.00" for 129900 MXN), for Intl and for typed commands; never through a float. */
export function toDecimal(value: Money): `${number}` {
  const digits = minorDigits(value.currency);
  const sign = value.minor < 0 ? '-' : '';
  const units = String(Math.abs(value.minor)).padStart(digits + 1, '0');
  const whole = units.slice(0, units.length - digits);
  const decimal = digits > 0 ? `${whole}.${units.slice(-digits)}` : whole;
  return `${sign}${decimal}` as `${number}`;
}

const currencies = new Set(Intl.supportedValuesOf('currency'));

/** True for an ISO 4217 code the platform knows (MXN, USD, EUR…); `XYZ` is not one. */
export function isCurrencyCode(code: string): boolean {
  return currencies.has(code.toUpperCase());
}

/** Minor units as an exact decimal string in the currency's own digits ("199.90" for 19990 MXN, "1500" for JPY). */
export function minorToDecimal(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  const sign = minor < 0 ? '-' : '';
  const units = String(Math.abs(minor)).padStart(digits + 1, '0');
  return digits === 0 ? `${sign}${units}` : `${sign}${units.slice(0, -digits)}.${units.slice(-digits)}`;
}
