// Interaction tokens at rest: each is a 15-minute credential to answer as the bot, so the database holds it sealed
// (src/seal.ts) under ENCRYPTION_KEY. Without a shared key each process makes its own: tokens then open only on the
// instance that received them, and the others answer with a channel message instead.
import { randomBytes } from 'node:crypto';
import { createSealer } from '../../src/seal.ts';

/** The seal's purpose: a sealed interaction token cannot be passed off as any other secret. */
const PURPOSE = 'discord.interaction-token';

export interface TokenSeal {
  seal(token: string): string;
  /** The token, or undefined when it was sealed under another key or tampered with. */
  open(sealed: string): string | undefined;
  /** The key came from ENCRYPTION_KEY (shared by every instance), not made up by this process. */
  shared: boolean;
}

export function tokenSeal(encryptionKey: Buffer | undefined): TokenSeal {
  const sealer = createSealer(encryptionKey ?? randomBytes(32));
  return {
    shared: encryptionKey !== undefined,
    seal: (token) => sealer.seal(token, PURPOSE),
    open(sealed) {
      try {
        return sealer.open(sealed, PURPOSE);
      } catch {
        return undefined;
      }
    },
  };
}
