import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { rawRow, timestamp } from '../../db/raw.ts';
import { inboundUpdates } from '../../db/schema/chat.ts';
import { type Clock, systemClock } from '../clock.ts';
import type { Locale } from '../i18n/index.ts';
import type { Logger } from '../logger.ts';
import { createInboundRecorder, type InboundRecorder } from './inbound-record.ts';
import { enqueue } from './outbox/outbox.ts';
import type { Reply } from './reply.ts';
import type { ChatTarget } from './target.ts';

/** One platform update as received: its id (the dedupe key), the conversation it belongs to, and its body. */
export interface InboundUpdate {
  platform: string;
  updateId: string;
  /** Updates of one chat run in arrival order; '' for updates that belong to no chat. */
  chatKey: string;
  payload: unknown;
}

/** What running an update answers: the reply to queue for its chat. */
export interface InboundReply {
  target: ChatTarget;
  reply: Reply;
  locale: Locale;
}

/** A platform's way of running its recorded updates (turn the payload into a command, run the router). */
export interface InboundProcessor {
  platform: string;
  /** Answers the reply to queue, or undefined when there is nothing to say; throws to have the update retried. */
  process(update: { updateId: string; payload: unknown }): Promise<InboundReply | undefined>;
}

const recorders = new WeakMap<Db, InboundRecorder>();

/**
 * Durably records an update before the platform hears it arrived. The insert is the dedupe too: a redelivered
 * update conflicts on (platform, update id) and answers false. Throws when the store fails, so the webhook asks
 * the platform to retry (nothing was handed off). Updates recorded at the same time over one pool share one
 * statement and one commit (see inbound-record.ts), so every platform's webhook acknowledges a burst quickly.
 */
export async function recordUpdate(db: Db, update: InboundUpdate): Promise<boolean> {
  let recorder = recorders.get(db);
  if (!recorder) {
    recorder = createInboundRecorder(db);
    recorders.set(db, recorder);
  }
  return recorder.record(update);
}

export interface InboundWorkerOptions {
  db: Db;
  log: Logger;
  processors: InboundProcessor[];
  clock?: Clock;
  /** Updates run at the same time (each chat's still run in order). */
  concurrency?: number;
  pollMs?: number;
  maxAttempts?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** False while the database is known to be unreachable: the loops wait instead of failing every poll. */
  available?: () => boolean;
  /** Called after a reply is queued, so the outbox sends it at once. */
  onQueued?: () => void;
}

export interface InboundWorker {
  /** Runs the next due update, if any; answers whether there was one (run or failed). */
  processNext(): Promise<boolean>;
  /** Runs updates until none is due (tests, benchmarks). */
  drainAll(): Promise<void>;
  start(): void;
  /** A new update was recorded: run it now instead of at the next poll. */
  wake(): void;
  stop(): Promise<void>;
}

type ClaimedUpdate = { platform: string; update_id: string; payload: unknown; attempts: number };

/**
 * Runs recorded updates. Each is claimed with FOR UPDATE SKIP LOCKED inside a transaction that also queues its
 * reply and marks it done, so an update is either finished with exactly one reply or, on any failure (or a
 * crash), still pending for the next attempt. Only the oldest pending update of each chat is a candidate.
 */
export function createInboundWorker(options: InboundWorkerOptions): InboundWorker {
  const { db, log } = options;
  const clock = options.clock ?? systemClock;
  const processors = new Map(options.processors.map((processor) => [processor.platform, processor]));
  const maxAttempts = options.maxAttempts ?? 8;
  const sleepers = new Set<() => void>();
  const loops: Array<Promise<void>> = [];
  let running = false;

  /**
   * The oldest pending update of some chat. One never tried is due at once: it was stamped by the database's clock,
   * which can be a fraction of a millisecond ahead of this process's; only a retry waits for its backoff.
   */
  function claim(tx: Db, platforms: string[]) {
    return rawRow<ClaimedUpdate>(
      tx,
      sql`
      with heads as (
        select platform, chat_key, min(seq) as seq from inbound_updates
        where platform in ${platforms} and status = 'pending'
        group by platform, chat_key)
      select u.platform, u.update_id, u.payload, u.attempts
      from inbound_updates u join heads using (platform, chat_key, seq)
      where u.status = 'pending' and (u.attempts = 0 or u.next_attempt_at <= ${timestamp(clock.now())})
      order by u.seq limit 1
      for update of u skip locked`,
    );
  }

  async function processNext(): Promise<boolean> {
    const platforms = [...processors.keys()];
    if (platforms.length === 0) return false;
    let claimed: ClaimedUpdate | undefined;
    let queued = false;
    try {
      await db.transaction(async (tx) => {
        claimed = await claim(tx, platforms);
        if (!claimed) return;
        const processor = processors.get(claimed.platform) as InboundProcessor;
        const outcome = await processor.process({ updateId: claimed.update_id, payload: claimed.payload });
        if (outcome) {
          const key = `${claimed.platform}:update:${claimed.update_id}`;
          queued = await enqueue(tx, outcome.target, outcome.reply, outcome.locale, key);
        }
        await tx
          .update(inboundUpdates)
          .set({ status: 'done', payload: null, doneAt: clock.now(), lastError: null })
          .where(and(eq(inboundUpdates.platform, claimed.platform), eq(inboundUpdates.updateId, claimed.update_id)));
      });
    } catch (error) {
      if (!claimed) throw error;
      await recordFailure(claimed, error);
      return true;
    }
    if (queued) options.onQueued?.();
    return claimed !== undefined;
  }

  /** The transaction rolled back: the update stays pending, to be tried again after a backoff (or dead-lettered). */
  async function recordFailure(update: ClaimedUpdate, error: unknown) {
    const attempts = update.attempts + 1;
    const dead = attempts >= maxAttempts;
    const context = { err: error, platform: update.platform, updateId: update.update_id, attempts };
    if (dead) log.error(context, 'inbound update dead-lettered after its last attempt');
    else log.warn(context, 'inbound update failed; will retry');
    const next = new Date(clock.now().getTime() + backoff(attempts));
    await db
      .update(inboundUpdates)
      .set({
        attempts,
        lastError: error instanceof Error ? error.message : String(error),
        ...(dead ? { status: 'dead' as const } : { nextAttemptAt: next }),
      })
      .where(and(eq(inboundUpdates.platform, update.platform), eq(inboundUpdates.updateId, update.update_id)))
      .catch((failure) => log.warn({ err: failure, updateId: update.update_id }, 'inbound failure not recorded'));
  }

  function backoff(attempts: number): number {
    const base = options.backoffBaseMs ?? 1_000;
    return Math.min(options.backoffMaxMs ?? 5 * 60_000, base * 2 ** (attempts - 1));
  }

  async function loop() {
    while (running) {
      const handled =
        options.available?.() !== false &&
        (await processNext().catch((error) => {
          log.error({ err: error }, 'inbound worker failed to claim');
          return false;
        }));
      if (!handled && running) {
        await new Promise<void>((resolve) => {
          const wakeUp = () => {
            sleepers.delete(wakeUp);
            clearTimeout(timer);
            resolve();
          };
          const timer = setTimeout(wakeUp, options.pollMs ?? 1_000);
          sleepers.add(wakeUp);
        });
      }
    }
  }

  const wakeAll = () => {
    for (const wakeUp of [...sleepers]) wakeUp();
  };

  return {
    processNext,
    async drainAll() {
      while (await processNext());
    },
    start() {
      if (running) return;
      running = true;
      for (let i = 0; i < (options.concurrency ?? 4); i++) loops.push(loop());
    },
    wake: wakeAll,
    async stop() {
      running = false;
      wakeAll();
      await Promise.all(loops.splice(0));
    },
  };
}
