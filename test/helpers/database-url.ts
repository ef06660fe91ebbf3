import type { DbLog } from '../../db/embedded.ts';

/** The same server URL pointing at another database. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export const quietLog: DbLog = { info() {}, warn() {}, error() {}, debug() {} };
