import type { Sql } from 'postgres';

/** A session advisory lock held on its own connection until `release()`. */
export interface HeldLock {
  release(): Promise<void>;
}

/**
 * Takes the session advisory lock named `name` on a dedicated connection, or answers undefined when another
 * session holds it. The lock lasts as long as that connection: if the process or the server dies, it is free again.
 */
export async function trySessionLock(sql: Sql, name: string): Promise<HeldLock | undefined> {
  const connection = await sql.reserve();
  try {
    const [row] = await connection<{ locked: boolean }[]>`select pg_try_advisory_lock(hashtext(${name})) as locked`;
    if (!row?.locked) {
      connection.release();
      return undefined;
    }
  } catch (error) {
    connection.release();
    throw error;
  }
  return {
    async release() {
      await connection`select pg_advisory_unlock(hashtext(${name}))`.catch(() => undefined);
      connection.release();
    },
  };
}

/** Runs `work` while holding the session lock `name`; answers `{ locked: false }` without running it when it is taken. */
export async function withSessionLock<T>(
  sql: Sql,
  name: string,
  work: () => Promise<T>,
): Promise<{ locked: true; value: T } | { locked: false }> {
  const lock = await trySessionLock(sql, name);
  if (!lock) return { locked: false };
  try {
    return { locked: true, value: await work() };
  } finally {
    await lock.release();
  }
}
