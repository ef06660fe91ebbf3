import { and, eq, lt, ne } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { inboundUpdates, outbox } from '../../db/schema/chat.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** How long chat bookkeeping is kept: platforms stop redelivering within a day; sent messages matter for a week. */
export interface ChatRetention {
  /** Forgets finished updates older than a day and sent outbox messages older than a week, as of `now`. */
  prune(now: Date): Promise<{ updates: number; sent: number }>;
}

export function createChatRetention({ db }: { db: Db }): ChatRetention {
  const before = (now: Date, days: number) => new Date(now.getTime() - days * DAY_MS);
  return {
    async prune(now) {
      // Pending updates stay whatever their age: they have not run yet.
      const updates = await db
        .delete(inboundUpdates)
        .where(and(ne(inboundUpdates.status, 'pending'), lt(inboundUpdates.receivedAt, before(now, 1))))
        .returning({ seq: inboundUpdates.seq });
      const sent = await db
        .delete(outbox)
        .where(and(eq(outbox.status, 'sent'), lt(outbox.sentAt, before(now, 7))))
        .returning({ id: outbox.id });
      return { updates: updates.length, sent: sent.length };
    },
  };
}
