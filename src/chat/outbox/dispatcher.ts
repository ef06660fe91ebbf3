import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { rawRows, timestamp } from '../../../db/raw.ts';
import { outbox } from '../../../db/schema/chat.ts';
import { type Clock, systemClock } from '../../clock.ts';
import type { Locale } from '../../i18n/index.ts';
import type { Logger } from '../../logger.ts';
import { createRateLimiter } from '../rate-limiter.ts';
import { type Reply, redacted } from '../reply.ts';
import { SendError, type Sender } from '../sender.ts';

export interface DispatcherOptions {
  db: Db;
  log: Logger;
  senders: Sender[];
  /** "Now" for due times, leases and pacing; tests drive it instead of waiting. */
  clock?: Clock;
  /** Only these chats (a console session drains its own chat and nothing else). */
  chatIds?: string[];
  maxAttempts?: number;
  batchSize?: number;
  leaseMs?: number;
  pollMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** False while the database is known to be unreachable: the loop waits instead of failing every poll. */
  available?: () => boolean;
  /** Called once the first part of a reply is delivered, with the platform's message id (progress edits need it). */
  onFirstPartSent?: (sent: { reply: Reply; platform: string; chatId: string; messageId: string }) => Promise<void>;
}

export interface Dispatcher {
  /** Claims one batch and sends it; answers how many messages it handled. */
  drainOnce(): Promise<number>;
  /** Drains until nothing is due (tests, `bodega run`). */
  drainAll(): Promise<void>;
  start(): void;
  wake(): void;
  stop(): Promise<void>;
}

type ClaimedRow = {
  id: string;
  platform: string;
  chat_id: string;
  reply: Reply;
  locale: Locale;
  attempts: number;
  parts_sent: number;
};

/**
 * Drains the outbox: claims due messages with FOR UPDATE SKIP LOCKED (only the oldest unsent one per
 * chat, so a chat sees messages in order), leases them, sends each part once (progress is recorded
 * per part, so a retry resumes), backs off exponentially or as the platform asks, and dead-letters
 * after `maxAttempts` keeping the last error.
 */
export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { db, log } = options;
  const clock = options.clock ?? systemClock;
  const senders = new Map(options.senders.map((sender) => [sender.platform, sender]));
  const maxAttempts = options.maxAttempts ?? 8;
  const leaseMs = options.leaseMs ?? 60_000;
  const limiter = createRateLimiter({ clock });
  const stopping = new AbortController();
  const later = (ms: number) => new Date(clock.now().getTime() + ms);
  let running = false;
  let loop: Promise<void> | undefined;
  let wakeUp: (() => void) | undefined;

  async function claim(): Promise<ClaimedRow[]> {
    const platforms = [...senders.values()].filter((sender) => sender.ready?.() !== false).map((s) => s.platform);
    if (platforms.length === 0) return [];
    const chatFilter = options.chatIds ? sql`and chat_id in ${options.chatIds}` : sql``;
    const now = timestamp(clock.now());
    // A message never tried is due at once (the database stamped it, by a clock that may be a little ahead of ours).
    // Only each chat's oldest unsent message is a candidate (order per chat). Heads come from one grouped
    // scan of the partial queue index, which stays linear however stale the planner's statistics are.
    return rawRows<ClaimedRow>(
      db,
      sql`
      with heads as (
        select min(id) as id from outbox
        where platform in ${platforms} ${chatFilter} and status in ('pending', 'sending')
        group by platform, chat_id),
      due as (
        select o.id from outbox o join heads on heads.id = o.id
        where (o.status = 'pending' and (o.attempts = 0 or o.next_attempt_at <= ${now}))
          or (o.status = 'sending' and o.lease_until < ${now})
        order by o.id
        limit ${options.batchSize ?? 20}
        for update of o skip locked)
      update outbox set status = 'sending', attempts = outbox.attempts + 1, lease_until = ${timestamp(later(leaseMs))}
      from due where outbox.id = due.id
      returning outbox.id, outbox.platform, outbox.chat_id, outbox.reply, outbox.locale, outbox.attempts, outbox.parts_sent`,
    );
  }

  async function deliver(row: ClaimedRow) {
    const id = Number(row.id);
    const sender = senders.get(row.platform) as Sender;
    try {
      const prepared = sender.prepare
        ? await sender.prepare(row.chat_id, row.reply, row.locale)
        : { messages: sender.layout(row.reply, row.locale) };
      if ('hold' in prepared) return hold(row, prepared.hold);
      const { messages } = prepared;
      for (let part = row.parts_sent; part < messages.length; part++) {
        await limiter.acquire(
          [
            { key: `${row.platform}`, windows: sender.limits.global },
            { key: `${row.platform}:${row.chat_id}`, windows: sender.limits.perChat(row.chat_id) },
          ],
          stopping.signal,
        );
        if (stopping.signal.aborted) return release(id);
        const message = messages[part] as (typeof messages)[number];
        const { messageId } = await sender.send(row.chat_id, message, { outboxId: id, part });
        await db
          .update(outbox)
          .set({ partsSent: part + 1, leaseUntil: later(leaseMs) })
          .where(eq(outbox.id, id));
        if (part === 0)
          await options.onFirstPartSent?.({ reply: row.reply, platform: row.platform, chatId: row.chat_id, messageId });
      }
      await db
        .update(outbox)
        .set({
          status: 'sent',
          sentAt: clock.now(),
          leaseUntil: null,
          lastError: null,
          ...(row.reply.sensitive ? { reply: redacted(row.reply) } : {}),
        })
        .where(eq(outbox.id, id));
    } catch (error) {
      await recordFailure(row, error);
    }
  }

  /** Shutting down while paced: the message goes back to the queue untouched, for the next run to send. */
  async function release(id: number) {
    await db.update(outbox).set({ status: 'pending', leaseUntil: null }).where(eq(outbox.id, id));
  }

  /** The platform takes nothing for this chat until the person writes: wait there, visibly, without retrying. */
  async function hold(row: ClaimedRow, reason: string) {
    log.info({ outboxId: row.id, platform: row.platform, reason }, 'outbox message held until the person writes');
    await db
      .update(outbox)
      .set({ status: 'held', leaseUntil: null, lastError: reason, attempts: sql`${outbox.attempts} - 1` })
      .where(eq(outbox.id, Number(row.id)));
  }

  async function recordFailure(row: ClaimedRow, error: unknown) {
    if (error instanceof SendError && error.hold) return hold(row, error.message);
    const retryable = !(error instanceof SendError) || error.retryable;
    const message = error instanceof Error ? error.message : String(error);
    const context = { err: error, outboxId: row.id, platform: row.platform, attempts: row.attempts };
    if (!retryable || row.attempts >= maxAttempts) {
      log.error(context, 'outbox message dead-lettered');
      await db
        .update(outbox)
        .set({ status: 'dead', leaseUntil: null, lastError: message })
        .where(eq(outbox.id, Number(row.id)));
      return;
    }
    const retryAfter = error instanceof SendError ? (error.retryAfterMs ?? 0) : 0;
    const delay = Math.max(retryAfter, backoff(row.attempts));
    log.warn({ ...context, delayMs: delay }, 'outbox send failed; will retry');
    await db
      .update(outbox)
      .set({ status: 'pending', leaseUntil: null, lastError: message, nextAttemptAt: later(delay) })
      .where(eq(outbox.id, Number(row.id)));
  }

  function backoff(attempts: number): number {
    const base = options.backoffBaseMs ?? 1_000;
    const exponential = Math.min(options.backoffMaxMs ?? 5 * 60_000, base * 2 ** (attempts - 1));
    return Math.round(exponential * (0.8 + Math.random() * 0.4));
  }

  /** Every drain under way, the loop's and any caller's, so `drainAll` can wait for rows another drain claimed. */
  const draining = new Set<Promise<number>>();

  function drainOnce(): Promise<number> {
    const work = claim().then(async (rows) => {
      await Promise.all(rows.map(deliver));
      return rows.length;
    });
    draining.add(work);
    const settled = () => draining.delete(work);
    work.then(settled, settled);
    return work;
  }

  async function run() {
    while (running) {
      const handled =
        options.available?.() === false
          ? 0
          : await drainOnce().catch((error) => {
              log.error({ err: error }, 'outbox drain failed');
              return 0;
            });
      if (handled === 0 && running) {
        await new Promise<void>((resolve) => {
          wakeUp = resolve;
          setTimeout(resolve, options.pollMs ?? 500);
        });
      }
    }
  }

  return {
    drainOnce,
    async drainAll() {
      for (;;) {
        const handled = await drainOnce();
        // A message the loop claimed is not due for us: wait until it is delivered, or stop() could cut it off.
        if (draining.size > 0) await Promise.allSettled([...draining]);
        else if (handled === 0) return;
      }
    },
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    wake() {
      wakeUp?.();
    },
    async stop() {
      running = false;
      stopping.abort();
      wakeUp?.();
      await loop;
    },
  };
}
