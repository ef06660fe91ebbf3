import { desc, eq } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { withSessionLock } from '../../../db/locks.ts';
import { jobRuns } from '../../../db/schema/jobs.ts';

export type RunStatus = 'success' | 'failed' | 'skipped';

export interface JobRun {
  scheduledFor: Date;
  status: string;
  startedAt: Date;
  finishedAt: Date | null;
  error: string | null;
  instance: string;
}

/** The record of scheduled job runs, and the lock that keeps one job from running twice at once across instances. */
export interface JobRuns {
  /** Claims one tick of a job for this instance; undefined when another instance already has it. */
  claim(job: string, scheduledFor: Date, instance: string): Promise<number | undefined>;
  finish(runId: number, status: RunStatus, error: string | null, at: Date): Promise<void>;
  /** Runs `work` unless the same job is still running anywhere; answers whether it ran. */
  exclusive(job: string, work: () => Promise<void>): Promise<boolean>;
  last(job: string): Promise<JobRun | undefined>;
}

export function createJobRuns({ db, sql }: Pick<Database, 'db' | 'sql'>): JobRuns {
  return {
    async claim(job, scheduledFor, instance) {
      const [claim] = await db
        .insert(jobRuns)
        .values({ job, scheduledFor, status: 'running', instance })
        .onConflictDoNothing()
        .returning({ id: jobRuns.id });
      return claim?.id;
    },
    async finish(runId, status, error, at) {
      await db.update(jobRuns).set({ status, error, finishedAt: at }).where(eq(jobRuns.id, runId));
    },
    async exclusive(job, work) {
      return (await withSessionLock(sql, `job:${job}`, work)).locked;
    },
    async last(job) {
      const [row] = await db
        .select()
        .from(jobRuns)
        .where(eq(jobRuns.job, job))
        .orderBy(desc(jobRuns.startedAt))
        .limit(1);
      return row;
    },
  };
}
