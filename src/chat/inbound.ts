import { lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { inboundUpdates } from '../../db/schema/chat.ts';

/**
 * Remembers (platform, update id) so a redelivered update is handled once. Answers true the first
 * time. When the store fails it throws, and the webhook answers an error so the platform retries.
 */
export async function firstDelivery(db: Db, platform: string, updateId: string): Promise<boolean> {
  const inserted = await db
    .insert(inboundUpdates)
    .values({ platform, updateId })
    .onConflictDoNothing()
    .returning({ updateId: inboundUpdates.updateId });
  return inserted.length > 0;
}

/** Forgets update ids older than `olderThan` (platforms stop redelivering within a day). */
export async function forgetOldUpdates(db: Db, olderThan: Date): Promise<number> {
  const deleted = await db
    .delete(inboundUpdates)
    .where(lt(inboundUpdates.receivedAt, olderThan))
    .returning({ id: sql`1` });
  return deleted.length;
}
