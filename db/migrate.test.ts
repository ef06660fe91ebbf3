import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { describe, expect, inject, it } from 'vitest';
import { databaseUrl } from '../test/helpers/database-url.ts';
import { connect } from './client.ts';
import { applyMigrations } from './migrate.ts';

async function withEmptyDatabase(run: (url: string) => Promise<void>) {
  const adminUrl = inject('adminUrl');
  const name = `m_${randomBytes(5).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  try {
    await run(databaseUrl(adminUrl, name));
  } finally {
    await admin.unsafe(`drop database ${name} with (force)`);
    await admin.end();
  }
}

describe('applyMigrations', () => {
  it('creates the schema once; applying again changes nothing', async () => {
    await withEmptyDatabase(async (url) => {
      const database = connect(url, 'external', 1);
      try {
        const first = await applyMigrations(database);
        expect(first).toBeGreaterThan(0);
        const tables = await database.sql`select count(*)::int as n from information_schema.tables where table_schema = 'public'`;
        expect(await applyMigrations(database)).toBe(0);
        const again = await database.sql`select count(*)::int as n from information_schema.tables where table_schema = 'public'`;
        expect(again[0]?.n).toBe(tables[0]?.n);
        const recorded = await database.sql`select count(*)::int as n from drizzle.__drizzle_migrations`;
        expect(recorded[0]?.n).toBe(first);
      } finally {
        await database.close();
      }
    });
  });

  it('lets concurrent instances migrate the same database without error', async () => {
    await withEmptyDatabase(async (url) => {
      const instances = [connect(url, 'external', 2), connect(url, 'external', 2), connect(url, 'external', 2)];
      try {
        const applied = await Promise.all(instances.map((instance) => applyMigrations(instance)));
        expect(applied.filter((count) => count > 0)).toHaveLength(1);
      } finally {
        await Promise.all(instances.map((instance) => instance.close()));
      }
    });
  });
});
