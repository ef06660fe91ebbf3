import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { rawRow } from '../../db/raw.ts';
import { type TaskStatus, tasks } from '../../db/schema/tasks.ts';
import type { Locale } from '../i18n/index.ts';
import type { Reply } from './reply.ts';
import type { ChatTarget } from './target.ts';

export type { TaskStatus };

export interface Task {
  id: number;
  kind: string;
  status: TaskStatus;
  input: unknown;
  requestedBy: number | null;
  platform: string;
  chatId: string;
  locale: Locale;
  progressMessage: string | null;
  progress: string | null;
  result: Reply | null;
  error: string | null;
  cancelRequested: boolean;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export type CancelOutcome =
  | { outcome: 'cancelled' | 'requested' | 'not_found' }
  | { outcome: 'finished'; status: TaskStatus };

/** Durable long-running work started from chat. */
export interface Tasks {
  /** Starts a task; with an idempotency key, a repeated request answers the task it already started. */
  create(request: {
    kind: string;
    input: unknown;
    requestedBy: number | null;
    target: ChatTarget;
    locale: Locale;
    idempotencyKey?: string;
  }): Promise<Task>;
  get(id: number): Promise<Task | undefined>;
  recent(requestedBy: number | null, limit?: number): Promise<Task[]>;
  cancel(id: number): Promise<CancelOutcome>;
  attachProgressMessage(id: number, messageId: string): Promise<void>;
  /** Takes the oldest pending task (or one whose runner died) for these platforms. */
  claim(platforms: string[], leaseMs: number, chatIds?: string[]): Promise<Task | undefined>;
  /** Extends the lease and records progress; answers whether a cancel was requested. */
  heartbeat(id: number, leaseMs: number, progress?: string): Promise<{ cancelRequested: boolean }>;
  finish(
    db: Db,
    id: number,
    outcome: { status: 'success'; result: Reply } | { status: 'failed'; error: string } | { status: 'cancelled' },
  ): Promise<void>;
}

export function createTasks({ db }: { db: Db }): Tasks {
  return {
    async create(request) {
      const [task] = await db
        .insert(tasks)
        .values({
          kind: request.kind,
          input: request.input,
          requestedBy: request.requestedBy,
          platform: request.target.platform,
          chatId: request.target.chatId,
          locale: request.locale,
          idempotencyKey: request.idempotencyKey,
        })
        .onConflictDoNothing({ target: tasks.idempotencyKey })
        .returning();
      if (task) return task as Task;
      const [earlier] = await db
        .select()
        .from(tasks)
        .where(eq(tasks.idempotencyKey, request.idempotencyKey ?? ''));
      return earlier as Task;
    },

    async get(id) {
      const [task] = await db.select().from(tasks).where(eq(tasks.id, id));
      return task as Task | undefined;
    },

    async recent(requestedBy, limit = 10) {
      const filter = requestedBy === null ? undefined : eq(tasks.requestedBy, requestedBy);
      return (await db.select().from(tasks).where(filter).orderBy(desc(tasks.id)).limit(limit)) as Task[];
    },

    async cancel(id) {
      const [pending] = await db
        .update(tasks)
        .set({ status: 'cancelled', finishedAt: sql`now()` })
        .where(and(eq(tasks.id, id), eq(tasks.status, 'pending')))
        .returning({ id: tasks.id });
      if (pending) return { outcome: 'cancelled' };
      const [running] = await db
        .update(tasks)
        .set({ cancelRequested: true })
        .where(and(eq(tasks.id, id), eq(tasks.status, 'running')))
        .returning({ id: tasks.id });
      if (running) return { outcome: 'requested' };
      const [finished] = await db.select({ status: tasks.status }).from(tasks).where(eq(tasks.id, id));
      return finished ? { outcome: 'finished', status: finished.status } : { outcome: 'not_found' };
    },

    async attachProgressMessage(id, messageId) {
      await db.update(tasks).set({ progressMessage: messageId }).where(eq(tasks.id, id));
    },

    async claim(platforms, leaseMs, chatIds) {
      if (platforms.length === 0) return undefined;
      const chatFilter = chatIds ? sql`and chat_id in ${chatIds}` : sql``;
      const claimed = await rawRow<{ id: string }>(
        db,
        sql`
        with next as (
          select id from tasks
          where platform in ${platforms} ${chatFilter}
            and (status = 'pending' or (status = 'running' and lease_until < now()))
          order by id limit 1 for update skip locked)
        update tasks set status = 'running', started_at = coalesce(started_at, now()),
          lease_until = now() + ${leaseMs} * interval '1 millisecond'
        from next where tasks.id = next.id
        returning tasks.id`,
      );
      return claimed ? this.get(Number(claimed.id)) : undefined;
    },

    async heartbeat(id, leaseMs, progress) {
      const [row] = await db
        .update(tasks)
        .set({
          leaseUntil: sql`now() + ${leaseMs} * interval '1 millisecond'`,
          ...(progress === undefined ? {} : { progress }),
        })
        .where(eq(tasks.id, id))
        .returning({ cancelRequested: tasks.cancelRequested });
      return { cancelRequested: row?.cancelRequested ?? false };
    },

    async finish(tx, id, outcome) {
      await tx
        .update(tasks)
        .set({
          status: outcome.status,
          finishedAt: sql`now()`,
          leaseUntil: null,
          result: outcome.status === 'success' ? outcome.result : null,
          error: outcome.status === 'failed' ? outcome.error : null,
        })
        .where(and(eq(tasks.id, id), inArray(tasks.status, ['running', 'pending'])));
    },
  };
}
