import { and, eq, lt } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { outbox } from '../../db/schema/chat.ts';
import { forgetOldUpdates } from './inbound.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** How long chat bookkeeping is kept: platforms stop redelivering within a day; sent messages matter for a week. */
export interface ChatRetention {
  /** Forgets handled update ids older than a day and sent outbox messages older than a week, as of `now`. */
  prune(now: Date): Promise<{ updates: number; sent: number }>;
}

export function createChatRetention({ db }: { db: Db }): ChatRetention {
  return {
    async prune(now) {
      const updates = await forgetOldUpdates(db, new Date(now.getTime() - DAY_MS));
      const sent = await db
        .delete(outbox)
        .where(and(eq(outbox.status, 'sent'), lt(outbox.sentAt, new Date(now.getTime() - 7 * DAY_MS))))
        .returning({ id: outbox.id });
      return { updates, sent: sent.length };
    },
  };
}
