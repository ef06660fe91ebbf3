import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { chatWindows } from '../../db/schema/chat.ts';
import type { ChatTarget } from './target.ts';

/** The person wrote: their window is open from `at`. */
export async function openWindow(db: Db, target: ChatTarget, at: Date): Promise<void> {
  await db
    .insert(chatWindows)
    .values({ platform: target.platform, chatId: target.chatId, lastInboundAt: at })
    .onConflictDoUpdate({ target: [chatWindows.platform, chatWindows.chatId], set: { lastInboundAt: at } });
}

/** The platform said the window is closed, whatever we last saw. */
export async function closeWindow(db: Db, target: ChatTarget): Promise<void> {
  await db
    .update(chatWindows)
    .set({ lastInboundAt: null })
    .where(and(eq(chatWindows.platform, target.platform), eq(chatWindows.chatId, target.chatId)));
}

/** Whether the person wrote within `lengthMs` of `now` (never written: closed). */
export async function windowOpen(db: Db, target: ChatTarget, now: Date, lengthMs: number): Promise<boolean> {
  const [row] = await db
    .select({ at: chatWindows.lastInboundAt })
    .from(chatWindows)
    .where(and(eq(chatWindows.platform, target.platform), eq(chatWindows.chatId, target.chatId)));
  return Boolean(row?.at && now.getTime() - row.at.getTime() < lengthMs);
}
