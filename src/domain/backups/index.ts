import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { pipeline, type Readable, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import type { Sql } from 'postgres';
import { AppError } from '../../errors.ts';
import {
  type BackupHeader,
  END_OF_DATA,
  lastMigration,
  SECTION,
  storedColumns,
  type TableSection,
  TRAILER,
  type Tx,
  tablesInOrder,
} from './format.ts';

export { BACKUP_NAME, pruneBackups } from './retention.ts';

export interface BackupSummary {
  tables: Record<string, number>;
  bytes: number;
}

async function put(out: Writable, chunk: string | Buffer) {
  if (!out.write(chunk)) await once(out, 'drain');
}

/**
 * Writes every bodega table from one snapshot (a repeatable-read, read-only transaction) as gzip'd text: a JSON
 * header, then per table a `#table` line and its rows one per line (each record as text, JSON-quoted), ended by `\.`. The embedded
 * Postgres has no pg_dump; this needs nothing but the connection, so it works the same against DATABASE_URL.
 */
export async function writeBackup(sql: Sql, file: string, now: Date): Promise<BackupSummary> {
  const gzip = createGzip();
  const target = createWriteStream(file, { flags: 'wx', mode: 0o600 });
  gzip.pipe(target);
  const tables: Record<string, number> = {};
  await sql.begin('isolation level repeatable read read only', async (tx) => {
    const names = await tablesInOrder(tx);
    const header: BackupHeader = {
      format: 'bodega-backup',
      version: 1,
      createdAt: now.toISOString(),
      migration: await lastMigration(tx),
      tables: names,
    };
    await put(gzip, `${JSON.stringify(header)}\n`);
    for (const name of names) tables[name] = await copyOut(tx, gzip, name);
    await put(gzip, `${TRAILER}${JSON.stringify({ tables })}\n`);
  });
  gzip.end();
  await finished(target);
  return { tables, bytes: target.bytesWritten };
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** A table's rows, each as its record's text (`(1,"Taza azul",...)`), JSON-quoted on one line. */
async function copyOut(tx: Tx, out: Writable, name: string): Promise<number> {
  const columns = await storedColumns(tx, name);
  const section: TableSection = { name, columns };
  await put(out, `${SECTION}${JSON.stringify(section)}\n`);
  let count = 0;
  // A cursor, not COPY TO: postgres.js's copy stream stalls the connection after a few megabytes.
  const cursor = tx.unsafe<{ r: string }[]>(`select t::text as r from ${ident(name)} t`).cursor(1_000);
  for await (const rows of cursor) {
    count += rows.length;
    await put(out, `${rows.map((row) => JSON.stringify(row.r)).join('\n')}\n`);
  }
  await put(out, `${END_OF_DATA}\n`);
  return count;
}

/**
 * Loads a backup (a file, or a stream such as a bucket's object) into an empty database at the same migration, in
 * one transaction; sequences continue after it.
 */
export async function restoreBackup(sql: Sql, source: string | Readable): Promise<BackupSummary> {
  const gunzip = createGunzip();
  // pipeline, not pipe: a read error (a file gone, a dropped connection) then fails the restore instead of hanging it.
  pipeline(typeof source === 'string' ? createReadStream(source) : source, gunzip, () => {});
  const lines = createInterface({ input: gunzip, crlfDelay: Number.POSITIVE_INFINITY });
  const iterator = lines[Symbol.asyncIterator]();
  try {
    const first = await iterator.next();
    const header = parseHeader(first.done ? '' : first.value);
    const tables: Record<string, number> = {};
    await sql.begin(async (tx) => {
      await refuseUnlessEmpty(tx, header);
      await withKeysAndIndexesAfter(tx, () => loadSections(tx, header, iterator, tables));
      await continueSequences(tx, header.tables);
    });
    return { tables, bytes: 0 };
  } catch (error) {
    // zlib's codes (Z_DATA_ERROR, Z_BUF_ERROR): not gzip, or a gzip cut short.
    if (String((error as { code?: unknown }).code).startsWith('Z_')) throw invalid(`not gzip: ${error}`);
    throw error;
  } finally {
    lines.close();
    gunzip.destroy();
  }
}

/** Every `#table` section up to the trailer, whose row counts must be the ones loaded. */
async function loadSections(
  tx: Tx,
  header: BackupHeader,
  lines: AsyncIterator<string>,
  tables: Record<string, number>,
) {
  for (let next = await lines.next(); ; next = await lines.next()) {
    if (next.done) throw invalid('backup ends before its trailer');
    const line = next.value;
    if (line.startsWith(TRAILER)) return checkTrailer(line, tables);
    if (!line.startsWith(SECTION)) throw invalid('unexpected line');
    const section = JSON.parse(line.slice(SECTION.length)) as TableSection;
    if (!header.tables.includes(section.name)) throw invalid(`unknown table ${section.name}`);
    tables[section.name] = await copyIn(tx, section, lines);
  }
}

/** Inserts a section's records 5,000 at a time: each text is cast back to the table's row type. */
async function copyIn(tx: Tx, section: TableSection, lines: AsyncIterator<string>): Promise<number> {
  const table = ident(section.name);
  const list = section.columns.map(ident).join(', ');
  const fields = section.columns.map((column) => `(x).${ident(column)}`).join(', ');
  // `offset 0` keeps the subquery from being flattened: otherwise each `(x).column` parses the record text again.
  const statement = `insert into ${table} (${list}) select ${fields} from (select r::${table} as x from unnest($1::text[]) r offset 0) s`;
  let batch: string[] = [];
  let count = 0;
  const flush = async () => {
    if (batch.length > 0) await tx.unsafe(statement, [batch]);
    count += batch.length;
    batch = [];
  };
  for (let next = await lines.next(); ; next = await lines.next()) {
    if (next.done) throw invalid(`backup ends inside ${section.name}`);
    if (next.value === END_OF_DATA) break;
    batch.push(JSON.parse(next.value) as string);
    if (batch.length === 5_000) await flush();
  }
  await flush();
  return count;
}

/** The trailer's row counts must be the ones loaded: a backup cut short, or edited, is refused. */
function checkTrailer(line: string, loaded: Record<string, number>) {
  const written = (JSON.parse(line.slice(TRAILER.length)) as { tables?: Record<string, number> }).tables ?? {};
  for (const name of new Set([...Object.keys(written), ...Object.keys(loaded)]))
    if ((written[name] ?? 0) !== (loaded[name] ?? 0)) throw invalid(`table ${name} has other rows than written`);
}

/**
 * Loads with the foreign keys and the plain indexes dropped, and adds them back after, as pg_restore does: each key
 * is then checked, and each index built, in one pass over its table instead of row by row. It is all one
 * transaction, so a row that breaks a key or a unique index undoes the whole restore.
 */
async function withKeysAndIndexesAfter(tx: Tx, load: () => Promise<void>) {
  const keys = await tx<{ table: string; name: string; definition: string }[]>`
    select k.conrelid::regclass::text as table, k.conname as name, pg_get_constraintdef(k.oid) as definition
    from pg_constraint k where k.contype = 'f' and k.connamespace = 'public'::regnamespace order by k.oid`;
  // Indexes that back no constraint (primary keys and unique constraints stay: keys point at them).
  const indexes = await tx<{ name: string; definition: string }[]>`
    select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as definition
    from pg_index i join pg_class c on c.oid = i.indrelid
    where c.relnamespace = 'public'::regnamespace
      and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)
    order by i.indexrelid`;
  for (const key of keys) await tx.unsafe(`alter table ${key.table} drop constraint ${ident(key.name)}`);
  for (const index of indexes) await tx.unsafe(`drop index ${index.name}`);
  await load();
  try {
    for (const index of indexes) await tx.unsafe(index.definition);
    for (const key of keys)
      await tx.unsafe(`alter table ${key.table} add constraint ${ident(key.name)} ${key.definition}`);
  } catch (error) {
    // 23505 unique_violation, 23503 foreign_key_violation: the rows do not hold together.
    const code = (error as { code?: string }).code;
    if (code === '23505' || code === '23503') throw invalid(`rows break ${(error as Error).message}`);
    throw error;
  }
}

async function continueSequences(tx: Tx, tables: string[]) {
  const serials = await tx<{ table: string; column: string; seq: string }[]>`
    select c.relname as table, a.attname as column, pg_get_serial_sequence(c.oid::regclass::text, a.attname) as seq
    from pg_class c join pg_attribute a on a.attrelid = c.oid
    where c.relname in ${tx(tables)} and c.relnamespace = 'public'::regnamespace and a.attnum > 0
      and not a.attisdropped and pg_get_serial_sequence(c.oid::regclass::text, a.attname) is not null`;
  for (const { table, column, seq } of serials)
    await tx`select setval(${seq}, coalesce((select max(${tx(column)}) from ${tx(table)}), 0) + 1, false)`;
}

function parseHeader(line: string): BackupHeader {
  try {
    const header = JSON.parse(line) as BackupHeader;
    if (header.format === 'bodega-backup' && header.version === 1 && Array.isArray(header.tables)) return header;
  } catch {}
  throw invalid('not a bodega backup');
}

async function refuseUnlessEmpty(sql: Tx, header: BackupHeader) {
  const migration = await lastMigration(sql);
  if (migration !== header.migration)
    throw new AppError('invalid_input', 'backup is from another migration', {}, 'reports.backup_other_version');
  for (const table of await tablesInOrder(sql)) {
    const [row] = await sql`select exists (select 1 from ${sql(table)}) as found`;
    if (row?.found)
      throw new AppError('invalid_input', `table ${table} is not empty`, { table }, 'reports.backup_not_empty');
  }
}

const invalid = (why: string) => new AppError('invalid_input', why, {}, 'reports.backup_invalid');
