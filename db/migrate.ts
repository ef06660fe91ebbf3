import { fileURLToPath } from 'node:url';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import type { Database } from './client.ts';

export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

/** Any fixed number shared by every instance; they queue on it so only one migrates at a time. */
const MIGRATION_LOCK = 7_362_001;

/**
 * Applies pending drizzle-kit migrations and returns how many ran; none pending is a no-op.
 * It keeps drizzle's own bookkeeping table, but runs in one transaction holding a transaction-scoped
 * advisory lock, so concurrent instances wait their turn and a pool of one connection is enough.
 */
export async function applyMigrations(database: Pick<Database, 'sql'>): Promise<number> {
  const migrations = readMigrationFiles({ migrationsFolder });
  return database.sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK})`;
    await tx`create schema if not exists drizzle`;
    await tx`create table if not exists drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)`;
    const [last] = await tx<{ createdAt: string }[]>`
      select created_at as "createdAt" from drizzle.__drizzle_migrations order by created_at desc limit 1`;
    const pending = migrations.filter((migration) => !last || Number(last.createdAt) < migration.folderMillis);
    for (const migration of pending) {
      for (const statement of migration.sql) if (statement.trim()) await tx.unsafe(statement);
      await tx`insert into drizzle.__drizzle_migrations (hash, created_at) values (${migration.hash}, ${migration.folderMillis})`;
    }
    return pending.length;
  });
}
