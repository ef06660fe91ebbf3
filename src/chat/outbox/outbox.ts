import { sql } from 'drizzle-orm';
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
