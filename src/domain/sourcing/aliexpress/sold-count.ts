const MULTIPLIERS: Array<[RegExp, number]> = [
  [/\b(mil|k)\b|k\+?$/i, 1_000],
  [/\b(m|mill(ón|ones)?|million)\b/i, 1_000_000],
];

/**
 * Reads AliExpress's localised sales text: "2 sold", "10.000+ vendidos", "1,000+ sold", "5K+ sold",
 * "10 mil+ vendidos". Answers the lower bound, or undefined when there is no number.
 */
export function parseSoldCount(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const match = text.match(/(\d[\d.,\s]*)(\s*(?:mil|k|m|millones|million)\b|\s*k)?/i);
  if (!match?.[1]) return undefined;
  const value = readNumber(match[1].replace(/\s+/g, ''));
  const suffix = match[2]?.trim() ?? '';
  const multiplier = MULTIPLIERS.find(([pattern]) => pattern.test(suffix))?.[1] ?? 1;
  return Math.round(value * multiplier);
}

/** "10.000" and "10,000" are thousands; "1.5" and "1,5" are decimals (before a K or mil). */
function readNumber(raw: string): number {
  const cleaned = raw.replace(/[.,]$/, '');
  const separators = cleaned.match(/[.,]/g) ?? [];
  if (separators.length === 0) return Number(cleaned);
  const last = Math.max(cleaned.lastIndexOf('.'), cleaned.lastIndexOf(','));
  const decimals = cleaned.length - last - 1;
  if (separators.length > 1 || decimals === 3) {
    const lastIsThousands = decimals === 3 && new Set(separators).size === 1;
    if (lastIsThousands) return Number(cleaned.replace(/[.,]/g, ''));
    return Number(`${cleaned.slice(0, last).replace(/[.,]/g, '')}.${cleaned.slice(last + 1)}`);
  }
  return Number(cleaned.replace(',', '.'));
}
