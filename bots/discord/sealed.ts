// Interaction tokens at rest: each is a 15-minute credential to answer as the bot, so the database holds it sealed
// with AES-256-GCM under a key derived (HKDF-SHA256) from ENCRYPTION_KEY for this one purpose. Without a shared key
// each process makes its own: tokens then open only on the instance that received them, and the others answer
// with a channel message instead.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const PREFIX = 'v1:';
/** HKDF's `info`: this key is for Discord interaction tokens and nothing else. */
const PURPOSE = 'bodega/discord/interaction-tokens';

export interface TokenSeal {
  seal(token: string): string;
  /** The token, or undefined when it was sealed under another key or tampered with. */
  open(sealed: string): string | undefined;
  /** The key came from ENCRYPTION_KEY (shared by every instance), not made up by this process. */
  shared: boolean;
}

export function tokenSeal(encryptionKey: Buffer | undefined): TokenSeal {
  const base = encryptionKey ?? randomBytes(32);
  const key = Buffer.from(hkdfSync('sha256', base, Buffer.alloc(0), PURPOSE, 32));
  return {
    shared: encryptionKey !== undefined,
    seal(token) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const sealed = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
      return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
    },
    open(sealed) {
      if (!sealed.startsWith(PREFIX)) return undefined;
      const bytes = Buffer.from(sealed.slice(PREFIX.length), 'base64url');
      if (bytes.length < 29) return undefined;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
        decipher.setAuthTag(bytes.subarray(12, 28));
        return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
      } catch {
        return undefined;
      }
    },
  };
}
