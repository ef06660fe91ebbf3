import { asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { jobRuns } from '../db/schema/jobs.ts';
import { createLogger } from '../src/logger.ts';
import { useTestDatabase } from '../test/helpers/database.ts';
import { createScheduler, defineJob } from './scheduler.ts';

const log = createLogger({ level: 'silent', pretty: false });
const database = useTestDatabase();

function schedulerWith(jobs: ReturnType<typeof defineJob<unknown>>[], instance: string) {
  return createScheduler({ db: database().db, sql: database().sql, log, jobs, deps: {}, timezone: 'UTC', instance });
}

async function runsOf(job: string) {
  return database().db.select().from(jobRuns).where(eq(jobRuns.job, job)).orderBy(asc(jobRuns.scheduledFor));
}

describe('scheduler', () => {
  it('runs each tick once across two schedulers on one database', async () => {
    let executions = 0;
    const job = defineJob({
      name: 'every-second',
      schedule: '* * * * * *',
      async run() {
        executions++;
      },
    });
    const a = schedulerWith([job], 'instance-a');
    const b = schedulerWith([job], 'instance-b');
    a.start();
    b.start();
    await new Promise((resolve) => setTimeout(resolve, 3_300));
    await Promise.all([a.stop(), b.stop()]);
    const runs = await runsOf('every-second');
    const successes = runs.filter((run) => run.status === 'success');
    expect(successes.length).toBeGreaterThanOrEqual(2);
    // One row per tick; a tick that found the previous run still going on the other instance is skipped, not run.
    expect(executions).toBe(successes.length);
    expect(new Set(runs.map((run) => run.scheduledFor.toISOString())).size).toBe(runs.length);
    expect(runs.every((run) => ['success', 'skipped'].includes(run.status) && run.finishedAt !== null)).toBe(true);
    expect(runs.every((run) => run.scheduledFor.getMilliseconds() === 0)).toBe(true);
  });

  it('records a failure with its error and keeps scheduling', async () => {
    let calls = 0;
    const job = defineJob({
      name: 'fails-first',
      schedule: '* * * * * *',
      async run() {
        calls++;
        if (calls === 1) throw new Error('supplier timed out');
      },
    });
    const scheduler = schedulerWith([job], 'solo');
    scheduler.start();
    await new Promise((resolve) => setTimeout(resolve, 2_300));
    await scheduler.stop();
    const runs = await runsOf('fails-first');
    expect(runs[0]).toMatchObject({ status: 'failed', error: 'supplier timed out' });
    expect(runs.slice(1).some((run) => run.status === 'success')).toBe(true);
  });

  it('skips a run while the previous one still holds the job on another instance', async () => {
    let release: () => void = () => {};
    const job = defineJob({
      name: 'slow-manual',
      schedule: '0 0 1 1 *',
      run: () => new Promise<void>((resolve) => (release = resolve)),
    });
    const a = schedulerWith([job], 'a');
    const b = schedulerWith([job], 'b');
    const first = a.runNow('slow-manual');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await b.runNow('slow-manual')).toBe('skipped');
    release();
    expect(await first).toBe('success');
    const statuses = (await runsOf('slow-manual')).map((run) => run.status).sort();
    expect(statuses).toEqual(['skipped', 'success']);
  });

  it('lists jobs with their next run and last run', async () => {
    const job = defineJob({ name: 'listed', schedule: '0 8 1 * *', timezone: 'America/Mexico_City', async run() {} });
    const scheduler = schedulerWith([job], 'x');
    await scheduler.runNow('listed');
    const [summary] = await scheduler.list();
    expect(summary?.name).toBe('listed');
    expect(summary?.lastRun?.status).toBe('success');
    expect(summary?.nextRun?.getUTCHours()).toBe(14);
    expect(summary?.nextRun?.getUTCDate()).toBe(1);
  });

  it('waits for a running job on stop, then aborts it after the grace period', async () => {
    let aborted = false;
    const job = defineJob({
      name: 'stubborn',
      schedule: '0 0 1 1 *',
      run: ({ signal }) =>
        new Promise<void>((resolve) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            resolve();
          });
        }),
    });
    const scheduler = schedulerWith([job], 'y');
    const run = scheduler.runNow('stubborn');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await scheduler.stop(200);
    expect(aborted).toBe(true);
    expect(await run).toBe('success');
  });
});
