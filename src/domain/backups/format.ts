import type { TransactionSql } from 'postgres';

/** Everything here runs inside one transaction: the snapshot, or the load. */
export type Tx = TransactionSql;

/** The first line of every backup. */
export interface BackupHeader {
  format: 'bodega-backup';
  version: 1;
  createdAt: string;
  /** The last migration applied to the source: a backup restores only into a database at the same migration. */
  migration: number;
  tables: string[];
}

export interface TableSection {
  name: string;
  columns: string[];
}

export const SECTION = '#table ';
export const END_OF_DATA = '\\.';
export const TRAILER = '#end ';

/** Every bodega table (the public schema), parents before children so foreign keys hold as rows are loaded. */
export async function tablesInOrder(sql: Tx): Promise<string[]> {
  const tables = (
    await sql<{ name: string }[]>`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p') order by c.relname`
  ).map((row) => row.name);
  const edges = await sql<{ child: string; parent: string }[]>`
    select c.relname as child, p.relname as parent from pg_constraint k
      join pg_class c on c.oid = k.conrelid join pg_class p on p.oid = k.confrelid
      join pg_namespace n on n.oid = c.relnamespace
    where k.contype = 'f' and n.nspname = 'public' and c.oid <> p.oid`;
  const ordered: string[] = [];
  const visit = (table: string, path: Set<string>) => {
    if (ordered.includes(table) || path.has(table)) return;
    path.add(table);
    for (const edge of edges) if (edge.child === table) visit(edge.parent, path);
    ordered.push(table);
  };
  for (const table of tables) visit(table, new Set());
  return ordered;
}

/** A table's stored columns in order (generated ones are computed again on load). */
export async function storedColumns(sql: Tx, table: string): Promise<string[]> {
  const rows = await sql<{ name: string }[]>`select a.attname as name from pg_attribute a
    where a.attrelid = ${`public.${table}`}::regclass and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
    order by a.attnum`;
  return rows.map((row) => row.name);
}

/** The newest migration applied (drizzle's journal time), 0 on a database never migrated. */
export async function lastMigration(sql: Tx): Promise<number> {
  const [row] = await sql<{ at: string | null }[]>`
    select max(created_at)::text as at from drizzle.__drizzle_migrations`.catch(() => [{ at: null }]);
  return Number(row?.at ?? 0);
}
