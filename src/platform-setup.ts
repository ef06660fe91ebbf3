import { type Clock, systemClock } from './clock.ts';
import type { CheckState } from './http/routes/health.ts';
import type { Logger } from './logger.ts';

export interface PlatformSetup {
  /** `degraded` while setting up or retrying; `down` when it cannot run at all; `ok` once everything is in place. */
  state(): CheckState;
  /** Why it is not `ok`, in one line. */
  reason(): string | undefined;
  stop(): void;
}

export interface PlatformSetupOptions {
  name: string;
  log: Logger;
  clock?: Clock;
  /** What the platform cannot run without (the token works). */
  essential(): Promise<void>;
  /** An essential failure that retrying cannot fix (the token is refused): the platform stays off. */
  refused(error: unknown): boolean;
  /** How a refusal reads in health and logs; by default, that the platform refused the token. */
  refusal?(error: unknown): string;
  /** Starts taking messages, once the essential step passed. */
  begin(): void;
  /** Everything else (menus, webhook registration): retried with backoff until each succeeds. */
  steps: Array<{ name: string; run(): Promise<void> }>;
  firstDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * Sets a platform up in the background so start never waits on it: only the essential step can keep the platform
 * off; every other step is retried with backoff while the platform already runs, reporting `degraded` meanwhile.
 */
export function setUpInBackground(options: PlatformSetupOptions): PlatformSetup {
  const { name, log } = options;
  const clock = options.clock ?? systemClock;
  const stopping = new AbortController();
  let state: CheckState = 'degraded';
  let reason: string | undefined = 'starting';
  const pending = new Map<string, string>();

  async function retry(what: string, work: () => Promise<void>, onFailure: (error: unknown) => boolean) {
    let delay = options.firstDelayMs ?? 1_000;
    for (;;) {
      if (stopping.signal.aborted) return false;
      try {
        await work();
        return true;
      } catch (error) {
        if (stopping.signal.aborted || onFailure(error)) return false;
        log.warn({ err: error, step: what, retryInMs: delay }, `${name} setup step failed; retrying`);
        await clock.sleep(delay, stopping.signal);
        delay = Math.min(delay * 2, options.maxDelayMs ?? 5 * 60_000);
      }
    }
  }

  const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

  async function run() {
    const ready = await retry('token check', options.essential, (error) => {
      if (options.refused(error)) {
        state = 'down';
        reason = options.refusal?.(error) ?? `${name} refused the token: ${describe(error)}`;
        log.error({ platform: name }, `${name} is configured but cannot run: ${reason}`);
        return true;
      }
      reason = `cannot reach ${name} (${describe(error)}); retrying`;
      return false;
    });
    if (!ready) return;
    options.begin();
    for (const step of options.steps) pending.set(step.name, 'not done yet');
    const report = () => {
      state = pending.size === 0 ? 'ok' : 'degraded';
      reason = pending.size === 0 ? undefined : [...pending].map(([step, why]) => `${step}: ${why}`).join('; ');
    };
    report();
    await Promise.all(
      options.steps.map(async (step) => {
        const done = await retry(step.name, step.run, (error) => {
          pending.set(step.name, `${describe(error)}; retrying`);
          report();
          return false;
        });
        if (done) pending.delete(step.name);
        report();
      }),
    );
  }

  void run().catch((error) => log.error({ err: error, platform: name }, `${name} setup stopped`));
  return {
    state: () => state,
    reason: () => reason,
    stop: () => stopping.abort(),
  };
}
