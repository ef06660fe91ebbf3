import type { Sql } from 'postgres';
import { isConnectionFailure, isInvalidText } from './errors.ts';

/** The slice of a logger this module needs; db/ imports nothing of ours. */
export interface HealthLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export type DatabaseState = 'up' | 'down' | 'failed';

/**
 * Whether the database answers. It goes `down` when a query meets a dead connection (or the embedded server
 * exits), is probed until it answers again, and is `failed` once the embedded server could not be brought back.
 */
export interface DatabaseHealth {
  state(): DatabaseState;
  /** `outage` when the error means the server is unreachable (the database is marked down); `invalid_text` for text it refused. */
  classify(error: unknown): 'outage' | 'invalid_text' | undefined;
  markDown(reason: string): void;
  markFailed(error: Error): void;
  /** Resolves with the reason once the database cannot come back. */
  failed: Promise<Error>;
  /** Checks every `everyMs` while up too, so an outage is noticed without traffic (a running server). */
  watch(everyMs?: number): void;
  stop(): void;
}

/** True when the server answers a trivial query within the time limit. */
export async function ping(sql: Sql, timeoutMs = 2_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(resolve, timeoutMs, false);
  });
  const answered = sql`select 1`.then(
    () => true,
    () => false,
  );
  const result = await Promise.race([answered, timeout]);
  clearTimeout(timer);
  return result;
}

export function createDatabaseHealth(options: { sql: Sql; log: HealthLog; probeMs?: number }): DatabaseHealth {
  const { sql, log } = options;
  const probeMs = options.probeMs ?? 500;
  let state: DatabaseState = 'up';
  let probe: NodeJS.Timeout | undefined;
  let watcher: NodeJS.Timeout | undefined;
  let stopped = false;
  let reportFailure: (error: Error) => void = () => {};
  const failed = new Promise<Error>((resolve) => {
    reportFailure = resolve;
  });

  async function check() {
    probe = undefined;
    if (stopped || state !== 'down') return;
    if (await ping(sql, Math.max(probeMs, 1_000))) {
      if (state !== 'down') return;
      state = 'up';
      log.info({}, 'database reachable again');
      return;
    }
    if (!stopped && state === 'down') probe = setTimeout(check, probeMs);
  }

  const health: DatabaseHealth = {
    state: () => state,
    classify(error) {
      if (isConnectionFailure(error)) {
        health.markDown(error instanceof Error ? error.message : String(error));
        return 'outage';
      }
      return isInvalidText(error) ? 'invalid_text' : undefined;
    },
    markDown(reason) {
      if (state !== 'up' || stopped) return;
      state = 'down';
      log.warn({ reason }, 'database unreachable; answering 503 until it is back');
      probe ??= setTimeout(check, probeMs);
    },
    markFailed(error) {
      if (state === 'failed') return;
      state = 'failed';
      clearTimeout(probe);
      log.error({ err: error }, 'database cannot come back');
      reportFailure(error);
    },
    failed,
    watch(everyMs = 5_000) {
      if (watcher || stopped) return;
      watcher = setInterval(async () => {
        if (state === 'up' && !(await ping(sql))) health.markDown('health check got no answer');
      }, everyMs);
      watcher.unref();
    },
    stop() {
      stopped = true;
      clearTimeout(probe);
      clearInterval(watcher);
    },
  };
  return health;
}
