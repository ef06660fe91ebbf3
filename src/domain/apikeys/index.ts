import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { apiKeys } from '../../../db/schema/inventory.ts';
import { AppError } from '../../errors.ts';

export interface ApiKey {
  id: number;
  name: string;
}

const hash = (key: string) => createHash('sha256').update(key).digest('hex');

/** Storefront API keys: shown once at creation, stored as SHA-256, looked up by hash. */
export function createApiKeys({ db }: { db: Db }) {
  return {
    async create(name: string): Promise<{ id: number; key: string }> {
      const trimmed = name.trim();
      if (!/^[\p{L}\p{N} ._-]{1,64}$/u.test(trimmed))
        throw new AppError(
          'invalid_input',
          'Name must be 1-64 letters, digits, spaces, dots, dashes or underscores',
          {},
          'apikey.bad_name',
        );
      const key = `bdg_${randomBytes(24).toString('base64url')}`;
      const [row] = await db
        .insert(apiKeys)
        .values({ name: trimmed, keyHash: hash(key), prefix: key.slice(0, 8) })
        .returning({ id: apiKeys.id });
      return { id: row?.id ?? 0, key };
    },

    /** The key's owner, or undefined for an unknown or revoked key. */
    async verify(key: string): Promise<ApiKey | undefined> {
      if (!/^bdg_[A-Za-z0-9_-]{32}$/.test(key)) return undefined;
      const digest = hash(key);
      const [row] = await db
        .select({ id: apiKeys.id, name: apiKeys.name, keyHash: apiKeys.keyHash })
        .from(apiKeys)
        .where(and(eq(apiKeys.keyHash, digest), isNull(apiKeys.revokedAt)));
      if (!row || !timingSafeEqual(Buffer.from(row.keyHash), Buffer.from(digest))) return undefined;
      // Touch at most once a minute, so authentication adds no write to a busy checkout.
      await db
        .update(apiKeys)
        .set({ lastUsedAt: sql`now()` })
        .where(
          and(
            eq(apiKeys.id, row.id),
            sql`(${apiKeys.lastUsedAt} is null or ${apiKeys.lastUsedAt} < now() - interval '1 minute')`,
          ),
        );
      return { id: row.id, name: row.name };
    },
  };
}

export type ApiKeys = ReturnType<typeof createApiKeys>;
