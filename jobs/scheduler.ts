import { hostname } from 'node:os';
import { Cron } from 'croner';
import { type Clock, systemClock } from '../src/clock.ts';
import type { JobRun, JobRuns, RunStatus } from '../src/domain/jobs/index.ts';
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
  lastRun?: JobRun;
}

export interface Scheduler {
  /** Runs due ticks as the real time reaches them, until `stop()`. */
  start(): void;
  /** Starts every job whose planned tick has come by the clock; resolves when those runs end (tests drive time this way). */
  runDue(): Promise<void>;
  /** Runs a job now, outside its schedule (`bodega job run`); answers its final status. */
  runNow(name: string): Promise<RunStatus>;
  list(): Promise<JobSummary[]>;
  running(): boolean;
  /** Stops the schedules and waits for running jobs, up to `graceMs`, aborting them after that. */
  stop(graceMs?: number): Promise<void>;
}

export interface SchedulerOptions<Deps> {
  runs: JobRuns;
  log: Logger;
  jobs: JobDefinition<Deps>[];
  deps: Deps;
  timezone: string;
  clock?: Clock;
  metrics?: Metrics;
  instance?: string;
}

/** Longest single wait, so a wall-clock jump (suspend, NTP) delays a tick by at most this much. */
const MAX_WAIT_MS = 60_000;

/**
 * Croner computes each job's ticks (pattern and time zone); the scheduler runs them by the injected clock with
 * three guards: no overlap within this process, one run per tick across instances (a unique (job, scheduled_for)
 * row in job_runs), and no overlap across instances (a lock held while the job runs). Every run is recorded.
 */
export function createScheduler<Deps>(options: SchedulerOptions<Deps>): Scheduler {
  const { runs, log } = options;
  const clock = options.clock ?? systemClock;
  const instance = options.instance ?? `${hostname()}:${process.pid}`;
  const crons = new Map(options.jobs.map((job) => [job.name, cronOf(job)]));
  const planned = new Map<string, Date | null>();
  const busy = new Set<string>();
  const inFlight = new Set<Promise<unknown>>();
  const controller = new AbortController();
  let started = false;
  let timer: NodeJS.Timeout | undefined;

  function cronOf(job: JobDefinition<Deps>) {
    return new Cron(job.schedule, { timezone: job.timezone ?? options.timezone, paused: true });
  }
  // The tick's key is its planned time, identical on every instance, not the moment one of them woke up.
  const nextTick = (job: JobDefinition<Deps>, after: Date) => crons.get(job.name)?.nextRun(after) ?? null;
  for (const job of options.jobs) planned.set(job.name, nextTick(job, clock.now()));

  async function execute(job: JobDefinition<Deps>, scheduledFor: Date): Promise<RunStatus> {
    busy.add(job.name);
    try {
      const runId = await runs.claim(job.name, scheduledFor, instance);
      if (runId === undefined) return 'skipped'; // another instance has this tick
      const jobLog = log.child({ job: job.name, runId });
      let status: RunStatus = 'success';
      let error: string | null = null;
      const ran = await runs.exclusive(job.name, async () => {
        try {
          await job.run({ deps: options.deps, log: jobLog, signal: controller.signal, scheduledFor });
        } catch (failure) {
          jobLog.error({ err: failure }, 'job failed');
          status = 'failed';
          error = failure instanceof Error ? failure.message : String(failure);
        }
      });
      if (!ran) [status, error] = ['skipped', 'previous run still in progress on another instance'];
      await runs.finish(runId, status, error, clock.now());
      options.metrics?.jobRuns.inc({ job: job.name, status });
      return status;
    } finally {
      busy.delete(job.name);
    }
  }

  function track<T>(promise: Promise<T>): Promise<T> {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise)).catch(() => undefined);
    return promise;
  }

  function runDue(): Promise<void> {
    const now = clock.now();
    const runsStarted: Array<Promise<unknown>> = [];
    for (const job of options.jobs) {
      const tick = planned.get(job.name);
      if (!tick || tick > now) continue;
      planned.set(job.name, nextTick(job, now));
      if (busy.has(job.name)) {
        log.warn({ job: job.name, scheduledFor: tick }, 'job still running here; tick skipped');
        continue;
      }
      runsStarted.push(
        track(execute(job, tick)).catch((error) => log.error({ err: error, job: job.name }, 'job tick failed')),
      );
    }
    return Promise.all(runsStarted).then(() => undefined);
  }

  function arm() {
    if (!started) return;
    const times = [...planned.values()].flatMap((tick) => (tick ? [tick.getTime()] : []));
    if (times.length === 0) return;
    const wait = Math.min(Math.max(0, Math.min(...times) - clock.now().getTime()), MAX_WAIT_MS);
    timer = setTimeout(() => {
      void runDue();
      arm();
    }, wait);
  }

  return {
    start() {
      if (started) return;
      started = true;
      arm();
      log.info({ jobs: options.jobs.map((job) => job.name), instance }, 'scheduler started');
    },
    runDue,
    async runNow(name) {
      const job = options.jobs.find((candidate) => candidate.name === name);
      if (!job) throw new Error(`Unknown job ${name}; known: ${options.jobs.map((j) => j.name).join(', ')}`);
      return track(execute(job, clock.now()));
    },
    async list() {
      const summaries: JobSummary[] = [];
      for (const job of options.jobs) {
        const last = await runs.last(job.name);
        const nextRun = planned.get(job.name) ?? null;
        summaries.push({ name: job.name, schedule: job.schedule, nextRun, ...(last ? { lastRun: last } : {}) });
      }
      return summaries;
    },
    running: () => started,
    async stop(graceMs = 8_000) {
      started = false;
      clearTimeout(timer);
      const settled = Promise.allSettled([...inFlight]);
      const timedOut = await Promise.race([
        settled.then(() => false),
        new Promise((resolve) => setTimeout(resolve, graceMs, true).unref()),
      ]);
      if (timedOut) {
        controller.abort();
        await Promise.race([Promise.allSettled([...inFlight]), new Promise((resolve) => setTimeout(resolve, 1_000))]);
      }
    },
  };
}
