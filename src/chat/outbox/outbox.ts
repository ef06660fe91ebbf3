import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { outbox } from '../../../db/schema/chat.ts';
import type { Locale } from '../../i18n/index.ts';
import type { Reply } from '../reply.ts';
import type { ChatTarget } from '../target.ts';

/**
 * Queues a reply for a chat inside the caller's transaction (pass the transaction as `db`), so the
 * message exists exactly when the change it reports does. A repeated key is ignored; answers whether it was new.
 */
export async function enqueue(
  db: Db,
  target: ChatTarget,
  value: Reply,
  locale: Locale,
  idempotencyKey: string,
): Promise<boolean> {
  const inserted = await db
    .insert(outbox)
    .values({ platform: target.platform, chatId: target.chatId, reply: value, locale, idempotencyKey })
    .onConflictDoNothing({ target: outbox.idempotencyKey })
    .returning({ id: outbox.id });
  return inserted.length > 0;
}

/** Messages waiting per platform, for /metrics. */
export async function outboxDepth(db: Db): Promise<Array<{ platform: string; depth: number }>> {
  return db
    .select({ platform: outbox.platform, depth: sql<number>`count(*)::int` })
    .from(outbox)
    .where(sql`${outbox.status} in ('pending', 'sending')`)
    .groupBy(outbox.platform);
}

/** The person wrote again: their held messages go back in the queue, in their original order. */
export async function releaseHeld(db: Db, target: ChatTarget, now: Date): Promise<number> {
  const released = await db
    .update(outbox)
    .set({ status: 'pending', nextAttemptAt: now })
    .where(and(eq(outbox.platform, target.platform), eq(outbox.chatId, target.chatId), eq(outbox.status, 'held')))
    .returning({ id: outbox.id });
  return released.length;
}

export interface HeldMessages {
  platform: string;
  chatId: string;
  count: number;
  reason: string;
  since: Date;
}

/** Messages waiting for their person to write again, per chat (oldest first): owners see them in /avisos. */
export async function heldMessages(db: Db): Promise<HeldMessages[]> {
  const rows = await db
    .select({
      platform: outbox.platform,
      chatId: outbox.chatId,
      count: sql<number>`count(*)::int`,
      reason: sql<string>`max(${outbox.lastError})`,
      since: sql<string>`min(${outbox.createdAt})`,
    })
    .from(outbox)
    .where(eq(outbox.status, 'held'))
    .groupBy(outbox.platform, outbox.chatId)
    .orderBy(sql`min(${outbox.createdAt})`);
  return rows.map((row) => ({ ...row, since: new Date(row.since) }));
}
