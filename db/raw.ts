import { type SQL, sql } from 'drizzle-orm';
import type { Row as PostgresRow, Sql } from 'postgres';
import type { Db } from './client.ts';

/**
 * Runs a statement the query builder cannot express (data-modifying CTEs, `FOR UPDATE SKIP LOCKED` claims).
 * `Row` states the row shape once, as Postgres sends it through postgres.js: `bigint` and `numeric` columns
 * arrive as strings and timestamps as strings, so convert them where the rows are read.
 * Plain reads and writes use drizzle's query builder instead.
 */
export async function rawRows<Row extends PostgresRow>(db: Db, query: SQL): Promise<Row[]> {
  // drizzle types the rows as a deferred conditional of Row; this is the one place that resolves it.
  return (await db.execute<Row>(query)) as Row[];
}

/** The first row of a raw statement, or undefined. */
export async function rawRow<Row extends PostgresRow>(db: Db, query: SQL): Promise<Row | undefined> {
  const rows = await rawRows<Row>(db, query);
  return rows[0];
}

/** A point in time as a raw-statement parameter (drizzle hands postgres.js timestamps as strings, not Dates). */
export function timestamp(at: Date): SQL {
  return sql`${at.toISOString()}::timestamptz`;
}

/**
 * A raw statement given as text with `$n` parameters, prepared once per connection and reused: for the few hot
 * statements run thousands of times a second, where planning a large CTE again on every call is the cost.
 * Drizzle's own statements are not prepared. Not for use inside a transaction (it runs on the pool).
 */
export async function preparedRows<Row extends PostgresRow>(db: Db, text: string, params: unknown[]): Promise<Row[]> {
  const client = (db as Db & { $client?: Sql }).$client;
  if (!client) throw new Error('preparedRows runs on the pool, not inside a transaction');
  // postgres.js types parameters as its own serialisable union; ours are plain strings and numbers.
  return await client.unsafe<Row[]>(text, params as never[], { prepare: true });
}
