import { createHash, createHmac, randomInt } from 'node:crypto';

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A code that is easy to read aloud and type: no 0/O or 1/I, shown as XXXX-XXXX. */
export function newCode(): string {
  const chars = Array.from({ length: 8 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  return `${chars.slice(0, 4)}-${chars.slice(4)}`;
}

/** Codes are stored only as hashes; typing is forgiving about case, spaces and dashes. */
export function hashCode(code: string): string {
  const normalised = code.toUpperCase().replace(/[^A-Z0-9]/g, '');
  return createHash('sha256').update(normalised).digest('hex');
}

/** The same code every time for the same secret and label, so a code can be shown again without being stored. */
export function codeFromSecret(secret: Buffer, label: string): string {
  const bytes = createHmac('sha256', secret).update(label).digest();
  const chars = Array.from(bytes.subarray(0, 8), (byte) => ALPHABET[byte % ALPHABET.length]).join('');
  return `${chars.slice(0, 4)}-${chars.slice(4)}`;
}
