import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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
        const tables =
          await database.sql`select count(*)::int as n from information_schema.tables where table_schema = 'public'`;
        expect(await applyMigrations(database)).toBe(0);
        const again =
          await database.sql`select count(*)::int as n from information_schema.tables where table_schema = 'public'`;
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

  it('moves AliExpress rows stored under search-space ids to their product ids (0006), keeping a product that has its own row', async () => {
    const statements = readFileSync(
      fileURLToPath(new URL('./migrations/0006_watches.sql', import.meta.url)),
      'utf8',
    ).split('--> statement-breakpoint');
    const canonicalise = statements.find((statement) => statement.includes('2251799813685248')) as string;
    await withEmptyDatabase(async (url) => {
      const database = connect(url, 'external', 1);
      try {
        await applyMigrations(database);
        const row = (
          id: string,
        ) => database.sql`insert into supplier_products (source, external_id, title, price_minor, currency, url)
          values ('aliexpress', ${id}, ${`item ${id}`}, 100, 'USD', ${`https://www.aliexpress.com/item/${id}.html`})`;
        await row('3256807407300419');
        await row('3256806996356251');
        await row('1005007182671003');
        await database.sql.unsafe(canonicalise);
        const rows = await database.sql`select external_id, title, url from supplier_products order by title`;
        expect(rows).toEqual([
          {
            external_id: '1005007182671003',
            title: 'item 1005007182671003',
            url: 'https://www.aliexpress.com/item/1005007182671003.html',
          },
          {
            external_id: '3256806996356251',
            title: 'item 3256806996356251',
            url: 'https://www.aliexpress.com/item/3256806996356251.html',
          },
          {
            external_id: '1005007593615171',
            title: 'item 3256807407300419',
            url: 'https://www.aliexpress.com/item/1005007593615171.html',
          },
        ]);
      } finally {
        await database.close();
      }
    });
  });
});
