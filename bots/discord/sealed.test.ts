import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { tokenSeal } from './sealed.ts';

describe('sealed interaction tokens', () => {
  const token = `aW50ZXJhY3Rpb246${randomBytes(40).toString('base64url')}`;

  it('opens under the same ENCRYPTION_KEY on any instance, and never shows the token', () => {
    const key = randomBytes(32);
    const sealed = tokenSeal(key).seal(token);
    expect(sealed).not.toContain(token);
    expect(tokenSeal(Buffer.from(key)).open(sealed)).toBe(token);
  });

  it('does not open under another key, tampered, or without the version prefix', () => {
    const seal = tokenSeal(randomBytes(32));
    const sealed = seal.seal(token);
    expect(tokenSeal(randomBytes(32)).open(sealed)).toBeUndefined();
    expect(tokenSeal(undefined).open(sealed)).toBeUndefined();
    const [version, nonce, tag, body] = sealed.split('.');
    const bytes = Buffer.from(body as string, 'base64url');
    bytes[0] = (bytes[0] as number) ^ 1;
    const flipped = [version, nonce, tag, bytes.toString('base64url')].join('.');
    expect(seal.open(flipped)).toBeUndefined();
    expect(seal.open(token)).toBeUndefined();
  });
});
