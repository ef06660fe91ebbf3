import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, inject } from 'vitest';
import { connect, type Database } from '../../db/client.ts';
import { databaseUrl } from './database-url.ts';

export interface TestDatabase extends Database {
  url: string;
  name: string;
}

/** A fresh, migrated database copied from the run's template; drop it with `drop()`. */
export async function createTestDatabase(
  options: { poolSize?: number } = {},
): Promise<TestDatabase & { drop(): Promise<void> }> {
  const adminUrl = inject('adminUrl');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await createFromTemplate(admin, name, inject('templateDatabase'));
  } finally {
    await admin.end();
  }
  const url = databaseUrl(adminUrl, name);
  const database = connect(url, 'external', options.poolSize ?? 10);
  return {
    ...database,
    url,
    name,
    async drop() {
      await database.close();
      const cleanup = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

/** Gives the calling test file its own database for all its tests. */
export function useTestDatabase(options: { poolSize?: number } = {}): () => TestDatabase {
  let database: (TestDatabase & { drop(): Promise<void> }) | undefined;
  beforeAll(async () => {
    database = await createTestDatabase(options);
  });
  afterAll(async () => {
    await database?.drop();
  });
  return () => {
    if (!database) throw new Error('useTestDatabase(): the database exists only inside tests');
    return database;
  };
}

async function createFromTemplate(admin: postgres.Sql, name: string, template: string) {
  // Postgres refuses to copy a template that another CREATE DATABASE is reading; take turns.
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.unsafe(`create database ${name} template ${template}`);
      return;
    } catch (error) {
      if (attempt >= 50 || !/being accessed by other users/.test(String(error))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 100));
    }
  }
}
