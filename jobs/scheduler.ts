import { hostname } from 'node:os';
import { Cron } from 'croner';
import { desc, eq, sql } from 'drizzle-orm';
import type { Database, Db } from '../db/client.ts';
import { jobRuns } from '../db/schema/jobs.ts';
import type { Logger } from '../src/logger.ts';
import type { Metrics } from '../src/metrics.ts';

export interface JobContext<Deps> {
  deps: Deps;
  log: Logger;
  signal: AbortSignal;
  scheduledFor: Date;
}

export interface JobDefinition<Deps = unknown> {
  name: string;
  /** Cron pattern (Croner syntax, seconds optional). */
  schedule: string;
  /** IANA zone for the schedule; the scheduler's default (BODEGA_TIMEZONE) when absent. */
  timezone?: string;
  run(ctx: JobContext<Deps>): Promise<void>;
}

/** Declares a scheduled job; one file per job in jobs/. */
export function defineJob<Deps>(definition: JobDefinition<Deps>): JobDefinition<Deps> {
  return definition;
}

export interface JobSummary {
  name: string;
  schedule: string;
  nextRun: Date | null;
  lastRun?: {
    scheduledFor: Date;
    status: string;
    startedAt: Date;
    finishedAt: Date | null;
    error: string | null;
    instance: string;
  };
}

export interface Scheduler {
  start(): void;
  /** Runs a job now, outside its schedule (`bodega job run`); answers its final status. */
  runNow(name: string): Promise<'success' | 'failed' | 'skipped'>;
  list(): Promise<JobSummary[]>;
  running(): boolean;
  /** Stops the schedules and waits for running jobs, up to `graceMs`, aborting them after that. */
  stop(graceMs?: number): Promise<void>;
}

export interface SchedulerOptions<Deps> {
  db: Db;
  /** The pool behind `db`; a job holds one connection for its cross-instance lock while it runs. */
  sql: Database['sql'];
  log: Logger;
  jobs: JobDefinition<Deps>[];
  deps: Deps;
  timezone: string;
  metrics?: Metrics;
  instance?: string;
}

/**
 * Croner schedules with three guards: no overlap within this process (Croner's protect), one run per
 * tick across instances (a unique (job, scheduled_for) row in job_runs), and no overlap across
 * instances (a session advisory lock per job held while it runs). Every run is recorded.
 */
export function createScheduler<Deps>(options: SchedulerOptions<Deps>): Scheduler {
  const { db, log } = options;
  const instance = options.instance ?? `${hostname()}:${process.pid}`;
  const crons: Cron[] = [];
  const inFlight = new Set<Promise<unknown>>();
  const controller = new AbortController();
  let started = false;

  async function execute(job: JobDefinition<Deps>, scheduledFor: Date): Promise<'success' | 'failed' | 'skipped'> {
    const [claim] = await db
      .insert(jobRuns)
      .values({ job: job.name, scheduledFor, status: 'running', instance })
      .onConflictDoNothing()
      .returning({ id: jobRuns.id });
    if (!claim) return 'skipped'; // another instance has this tick
    const lock = await options.sql.reserve();
    const jobLog = log.child({ job: job.name, runId: claim.id });
    try {
      const [row] = await lock<
        { locked: boolean }[]
      >`select pg_try_advisory_lock(hashtext(${`job:${job.name}`})) as locked`;
      if (!row?.locked) {
        await finish(job.name, claim.id, 'skipped', 'previous run still in progress on another instance');
        return 'skipped';
      }
      try {
        await job.run({ deps: options.deps, log: jobLog, signal: controller.signal, scheduledFor });
        await finish(job.name, claim.id, 'success', null);
        return 'success';
      } catch (error) {
        jobLog.error({ err: error }, 'job failed');
        await finish(job.name, claim.id, 'failed', error instanceof Error ? error.message : String(error));
        return 'failed';
      } finally {
        await lock`select pg_advisory_unlock(hashtext(${`job:${job.name}`}))`.catch(() => undefined);
      }
    } finally {
      lock.release();
    }
  }

  async function finish(job: string, id: number, status: 'success' | 'failed' | 'skipped', error: string | null) {
    await db.update(jobRuns).set({ status, error, finishedAt: sql`now()` }).where(eq(jobRuns.id, id));
    options.metrics?.jobRuns.inc({ job, status });
  }

  function track<T>(promise: Promise<T>): Promise<T> {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise)).catch(() => undefined);
    return promise;
  }

  function schedule(job: JobDefinition<Deps>) {
    const cron = new Cron(job.schedule, { timezone: job.timezone ?? options.timezone, protect: true, paused: true });
    // The tick's key is the planned time, identical on every instance, not the moment this one woke up.
    let planned = cron.nextRun();
    cron.schedule(async () => {
      const scheduledFor = planned ?? new Date();
      planned = cron.nextRun();
      await track(execute(job, scheduledFor)).catch((error) =>
        log.error({ err: error, job: job.name }, 'job tick failed'),
      );
    });
    cron.resume();
    crons.push(cron);
  }

  return {
    start() {
      if (started) return;
      started = true;
      for (const job of options.jobs) schedule(job);
      log.info({ jobs: options.jobs.map((job) => job.name), instance }, 'scheduler started');
    },
    async runNow(name) {
      const job = options.jobs.find((candidate) => candidate.name === name);
      if (!job) throw new Error(`Unknown job ${name}; known: ${options.jobs.map((j) => j.name).join(', ')}`);
      return track(execute(job, new Date()));
    },
    async list() {
      const summaries: JobSummary[] = [];
      for (const job of options.jobs) {
        const [last] = await db
          .select()
          .from(jobRuns)
          .where(eq(jobRuns.job, job.name))
          .orderBy(desc(jobRuns.startedAt))
          .limit(1);
        const next = new Cron(job.schedule, { timezone: job.timezone ?? options.timezone, paused: true }).nextRun();
        summaries.push({ name: job.name, schedule: job.schedule, nextRun: next, ...(last ? { lastRun: last } : {}) });
      }
      return summaries;
    },
    running: () => started,
    async stop(graceMs = 8_000) {
      for (const cron of crons) cron.stop();
      const settled = Promise.allSettled([...inFlight]);
      const timedOut = await Promise.race([
        settled.then(() => false),
        new Promise((resolve) => setTimeout(resolve, graceMs, true)),
      ]);
      if (timedOut) {
        controller.abort();
        await Promise.race([Promise.allSettled([...inFlight]), new Promise((resolve) => setTimeout(resolve, 1_000))]);
      }
      started = false;
    },
  };
}
