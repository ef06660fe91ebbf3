import { z } from 'zod';
import { AppError } from '../../errors.ts';

export const MAX_QTY = 1_000_000;

/** The one SKU rule, for chat and the storefront API alike: 1-64 of letters, digits and `._/-`, compared upper-case. */
export const SKU_PATTERN = /^[A-Z0-9][A-Z0-9._/-]{0,63}$/;

/** The SKU rule for developers and API clients; sellers read it from the catalogue (stock.bad_sku). */
const SKU_RULE =
  'SKU must be 1-64 of A-Z (no accents or Ñ), 0-9, dot, dash, underscore or slash, starting with A-Z or 0-9';

/** SKUs are compared upper-case and trimmed; anything else is refused with the rule spelled out. */
export function normaliseSku(sku: string): string {
  const value = sku.trim().toUpperCase();
  if (!SKU_PATTERN.test(value))
    throw new AppError('invalid_input', SKU_RULE, { sku: sku.slice(0, 80) }, 'stock.bad_sku');
  return value;
}

/**
 * The SKU rule as a zod schema for the edges (API bodies and paths, chat arguments); answers the normalised SKU.
 * A refusal carries the catalogue key that spells the rule out (with the typed SKU as its {sku}), so chat tells the
 * seller which characters to use.
 */
export const skuSchema = () =>
  z
    .string()
    .trim()
    .transform((value) => value.toUpperCase())
    .pipe(
      z.string().refine((value) => SKU_PATTERN.test(value), {
        error: SKU_RULE,
        params: { reason: 'stock.bad_sku', valueAs: 'sku' },
      }),
    );

export function checkQuantity(qty: number, { allowZero = false } = {}) {
  if (!Number.isInteger(qty) || qty < (allowZero ? 0 : 1) || qty > MAX_QTY) {
    throw new AppError(
      'invalid_input',
      `Quantity must be a whole number from ${allowZero ? 0 : 1} to ${MAX_QTY}`,
      { qty, min: allowZero ? 0 : 1, max: MAX_QTY },
      'stock.bad_quantity',
    );
  }
}

const ACCENTED = 'áàäâãåéèëêíìïîóòöôõúùüûñçÁÀÄÂÃÅÉÈËÊÍÌÏÎÓÒÖÔÕÚÙÜÛÑÇ';
const PLAIN = 'aaaaaaeeeeiiiiooooouuuuncAAAAAAEEEEIIIIOOOOOUUUUNC';

/** What product words are compared as: lower case without accents ("Lámpara" → "lampara"). */
export function foldWord(word: string): string {
  return word
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();
}

/** The same folding for a column, in SQL: `translate` is in every Postgres, so no extension is needed. */
export const FOLD = { from: ACCENTED, to: PLAIN } as const;

/** A LIKE pattern that finds `word` anywhere, with `%`, `_` and `\` taken literally. */
export function containsPattern(word: string): string {
  return `%${word.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}
