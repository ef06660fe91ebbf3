import { asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { jobRuns } from '../db/schema/jobs.ts';
import { type Clock, manualClock } from '../src/clock.ts';
import { createJobRuns } from '../src/domain/jobs/index.ts';
import { createLogger } from '../src/logger.ts';
import { useTestDatabase } from '../test/helpers/database.ts';
import { createScheduler, defineJob } from './scheduler.ts';

const log = createLogger({ level: 'silent', pretty: false });
const database = useTestDatabase();

function schedulerWith(jobs: ReturnType<typeof defineJob<unknown>>[], instance: string, clock?: Clock) {
  const runs = createJobRuns(database());
  return createScheduler({ runs, log, jobs, deps: {}, timezone: 'UTC', instance, ...(clock ? { clock } : {}) });
}

async function runsOf(job: string) {
  return database().db.select().from(jobRuns).where(eq(jobRuns.job, job)).orderBy(asc(jobRuns.scheduledFor));
}

/** A job whose run waits until the test lets it finish, and says when it has started. */
function heldJob(name: string) {
  let release: () => void = () => {};
  let started: () => void = () => {};
  const running = new Promise<void>((resolve) => (started = resolve));
  const job = defineJob({
    name,
    schedule: '0 0 1 1 *',
    run: () =>
      new Promise<void>((resolve) => {
        release = resolve;
        started();
      }),
  });
  return { job, running, release: () => release() };
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
    const clock = manualClock('2026-03-01T10:00:00.400Z');
    const a = schedulerWith([job], 'instance-a', clock);
    const b = schedulerWith([job], 'instance-b', clock);
    for (let tick = 0; tick < 3; tick++) {
      clock.advance(1_000);
      await Promise.all([a.runDue(), b.runDue()]);
    }
    const runs = await runsOf('every-second');
    expect(runs.map((run) => run.scheduledFor.toISOString())).toEqual([
      '2026-03-01T10:00:01.000Z',
      '2026-03-01T10:00:02.000Z',
      '2026-03-01T10:00:03.000Z',
    ]);
    expect(runs.every((run) => run.status === 'success' && run.finishedAt !== null)).toBe(true);
    expect(executions).toBe(3);
  });

  it('runs nothing before its tick, and one run for ticks missed while away', async () => {
    let executions = 0;
    const job = defineJob({ name: 'hourly', schedule: '0 * * * *', run: async () => void executions++ });
    const clock = manualClock('2026-03-01T10:00:10Z');
    const scheduler = schedulerWith([job], 'solo', clock);
    clock.advance(59 * 60_000);
    await scheduler.runDue();
    expect(executions).toBe(0);
    clock.advance(5 * 60 * 60_000);
    await scheduler.runDue();
    await scheduler.runDue();
    expect(executions).toBe(1);
    expect((await runsOf('hourly')).map((run) => run.scheduledFor.toISOString())).toEqual(['2026-03-01T11:00:00.000Z']);
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
    const clock = manualClock('2026-03-01T10:00:00.500Z');
    const scheduler = schedulerWith([job], 'solo', clock);
    for (let tick = 0; tick < 2; tick++) {
      clock.advance(1_000);
      await scheduler.runDue();
    }
    const runs = await runsOf('fails-first');
    expect(runs.map((run) => [run.status, run.error])).toEqual([
      ['failed', 'supplier timed out'],
      ['success', null],
    ]);
  });

  it('skips a run while the previous one still holds the job on another instance', async () => {
    const slow = heldJob('slow-manual');
    const a = schedulerWith([slow.job], 'a');
    const b = schedulerWith([slow.job], 'b');
    const first = a.runNow('slow-manual');
    await slow.running;
    expect(await b.runNow('slow-manual')).toBe('skipped');
    slow.release();
    expect(await first).toBe('success');
    const statuses = (await runsOf('slow-manual')).map((run) => run.status).sort();
    expect(statuses).toEqual(['skipped', 'success']);
  });

  it('lists jobs with their next run and last run', async () => {
    const job = defineJob({ name: 'listed', schedule: '0 8 1 * *', timezone: 'America/Mexico_City', async run() {} });
    const scheduler = schedulerWith([job], 'x', manualClock('2026-03-05T00:00:00Z'));
    await scheduler.runNow('listed');
    const [summary] = await scheduler.list();
    expect(summary?.name).toBe('listed');
    expect(summary?.lastRun?.status).toBe('success');
    expect(summary?.nextRun?.toISOString()).toBe('2026-04-01T14:00:00.000Z');
  });

  it('waits for a running job on stop, then aborts it after the grace period', async () => {
    let aborted = false;
    let started: () => void = () => {};
    const running = new Promise<void>((resolve) => (started = resolve));
    const job = defineJob({
      name: 'stubborn',
      schedule: '0 0 1 1 *',
      run: ({ signal }) =>
        new Promise<void>((resolve) => {
          started();
          signal.addEventListener('abort', () => {
            aborted = true;
            resolve();
          });
        }),
    });
    const scheduler = schedulerWith([job], 'y');
    const run = scheduler.runNow('stubborn');
    await running;
    await scheduler.stop(20);
    expect(aborted).toBe(true);
    expect(await run).toBe('success');
  });
});
