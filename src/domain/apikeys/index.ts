import { createHash, randomBytes } from 'node:crypto';
import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { rawRow } from '../../../db/raw.ts';
import { apiKeys } from '../../../db/schema/inventory.ts';
import { type Clock, systemClock } from '../../clock.ts';
import { AppError } from '../../errors.ts';

export interface ApiKey {
  id: number;
  name: string;
}

/** What an owner may see of a key: never the key itself. */
export interface ApiKeyInfo extends ApiKey {
  /** The key's first characters, to tell keys apart. */
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const hash = (key: string) => createHash('sha256').update(key).digest('hex');
const KEY_SHAPE = /^bdg_[A-Za-z0-9_-]{32}$/;

const infoColumns = {
  id: apiKeys.id,
  name: apiKeys.name,
  prefix: apiKeys.prefix,
  createdAt: apiKeys.createdAt,
  lastUsedAt: apiKeys.lastUsedAt,
  revokedAt: apiKeys.revokedAt,
};

/** Identities kept for keys that verified; a key's hash never changes owner, so only revocation can stale them. */
const MAX_KNOWN = 1_000;
const TOUCH_EVERY_MS = 60_000;

/**
 * Storefront API keys: shown once at creation, stored as SHA-256. `verify` looks the hash up in the database on
 * every call, so a revoke takes effect at once on every instance. `identify` answers from the keys this process
 * has verified before, without a round trip, for a caller whose own statement re-checks that the key is still
 * active in the same snapshot as its work (the reservation statement does): revocation stays immediate.
 */
export function createApiKeys({ db, clock = systemClock }: { db: Db; clock?: Clock }) {
  const known = new Map<string, { key: ApiKey; touchedAt: number }>();
  async function find(reference: string): Promise<ApiKeyInfo | undefined> {
    const trimmed = reference.trim().replace(/^#/, '');
    if (/^\d{1,15}$/.test(trimmed)) {
      const [byId] = await db
        .select(infoColumns)
        .from(apiKeys)
        .where(eq(apiKeys.id, Number(trimmed)));
      if (byId) return byId;
    }
    // A name: the active key of that name, else the newest revoked one (so revoking twice says it already was).
    const [byName] = await db
      .select(infoColumns)
      .from(apiKeys)
      .where(eq(apiKeys.name, trimmed))
      .orderBy(sql`${apiKeys.revokedAt} is not null`, desc(apiKeys.id))
      .limit(1);
    return byName;
  }

  return {
    /** A new key, returned this once; its name must not belong to another active key, so it can name the key later. */
    async create(name: string): Promise<{ id: number; key: string }> {
      const trimmed = name.trim();
      if (!/^[\p{L}\p{N} ._-]{1,64}$/u.test(trimmed) || /^\d+$/.test(trimmed))
        throw new AppError(
          'invalid_input',
          'Name must be 1-64 letters, digits, spaces, dots, dashes or underscores',
          {},
          'apikey.bad_name',
        );
      const [taken] = await db
        .select({ id: apiKeys.id })
        .from(apiKeys)
        .where(and(eq(apiKeys.name, trimmed), isNull(apiKeys.revokedAt)));
      if (taken) throw new AppError('conflict', 'An active key has that name', { name: trimmed }, 'apikey.name_taken');
      const key = `bdg_${randomBytes(24).toString('base64url')}`;
      const [row] = await db
        .insert(apiKeys)
        .values({ name: trimmed, keyHash: hash(key), prefix: key.slice(0, 8) })
        .returning({ id: apiKeys.id });
      if (!row) throw new Error('api key insert returned nothing');
      return { id: row.id, key };
    },

    /** Every key, active first, oldest first. */
    list(): Promise<ApiKeyInfo[]> {
      return db.select(infoColumns).from(apiKeys).orderBy(sql`${apiKeys.revokedAt} is not null`, asc(apiKeys.id));
    },

    /** Revokes a key by id or name; from the next request on it is refused. Answers unchanged if it already was. */
    async revoke(reference: string): Promise<{ key: ApiKeyInfo; changed: boolean }> {
      const found = await find(reference);
      if (!found)
        throw new AppError('not_found', 'No such API key', { key: reference.slice(0, 64) }, 'apikey.not_found');
      if (found.revokedAt) return { key: found, changed: false };
      const [revoked] = await db
        .update(apiKeys)
        .set({ revokedAt: sql`now()` })
        .where(and(eq(apiKeys.id, found.id), isNull(apiKeys.revokedAt)))
        .returning(infoColumns);
      return revoked ? { key: revoked, changed: true } : { key: found, changed: false };
    },

    /**
     * Who a key belongs to, from memory when it verified before (its last use is still recorded, about once a
     * minute, off the request's path). NOT a check that it is still active: the caller's statement must do that.
     */
    async identify(key: string): Promise<ApiKey | undefined> {
      const digest = KEY_SHAPE.test(key) ? hash(key) : undefined;
      const entry = digest ? known.get(digest) : undefined;
      if (!digest || !entry) return verify(key);
      keep(digest, entry);
      const now = clock.now().getTime();
      if (now - entry.touchedAt >= TOUCH_EVERY_MS) {
        entry.touchedAt = now;
        void touch(entry.key.id).catch(() => undefined);
      }
      return entry.key;
    },

    /** Whether this process verified the key and has not found it refused since (no round trip). */
    recognises(key: string): boolean {
      return KEY_SHAPE.test(key) && known.has(hash(key));
    },

    /** Drops what `identify` remembers of a key (it was found revoked). */
    forget(key: string) {
      known.delete(hash(key));
    },

    verify,
  };

  /** The key's owner, or undefined for an unknown or revoked key; records its use (at most once a minute). */
  async function verify(key: string): Promise<ApiKey | undefined> {
    if (!KEY_SHAPE.test(key)) return undefined;
    // One statement: the lookup, and the last-used touch only when it is a minute old, so a busy checkout adds no write.
    const row = await rawRow<{ id: string; name: string }>(
      db,
      sql`
        with k as (select id, name, last_used_at from api_keys where key_hash = ${hash(key)} and revoked_at is null),
        touched as (
          update api_keys a set last_used_at = now() from k
          where a.id = k.id and (k.last_used_at is null or k.last_used_at < now() - interval '1 minute') returning a.id)
        select k.id, k.name, (select count(*) from touched) as touched from k`,
    );
    if (!row) {
      known.delete(hash(key));
      return undefined;
    }
    const verified = { id: Number(row.id), name: row.name };
    remember(hash(key), verified);
    return verified;
  }

  function remember(digest: string, key: ApiKey) {
    keep(digest, { key, touchedAt: clock.now().getTime() });
  }

  /** Insertion order is last use: the newest goes last, and past MAX_KNOWN the least recently used is dropped. */
  function keep(digest: string, entry: { key: ApiKey; touchedAt: number }) {
    known.delete(digest);
    known.set(digest, entry);
    const oldest = known.keys().next();
    if (known.size > MAX_KNOWN && !oldest.done) known.delete(oldest.value);
  }

  /** Records a key's use, at most once a minute, as `verify` does. */
  async function touch(id: number) {
    await db.execute(sql`
      update api_keys set last_used_at = now()
      where id = ${id} and (last_used_at is null or last_used_at < now() - interval '1 minute')`);
  }
}

export type ApiKeys = ReturnType<typeof createApiKeys>;
