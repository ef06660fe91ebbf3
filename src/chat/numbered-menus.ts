import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { chatMenus } from '../../db/schema/chat.ts';
import type { ChatTarget } from './target.ts';

/** For platforms without buttons: the choices of the last menu sent to a chat, so a bare number answers it. */
export function createNumberedMenus({ db }: { db: Db }) {
  return {
    async remember(target: ChatTarget, commands: string[]): Promise<void> {
      await db
        .insert(chatMenus)
        .values({ platform: target.platform, chatId: target.chatId, commands })
        .onConflictDoUpdate({ target: [chatMenus.platform, chatMenus.chatId], set: { commands, sentAt: new Date() } });
    },
    /** The command behind choice `number` (1 first) of the chat's last menu; undefined when there is none. */
    async choice(target: ChatTarget, number: number): Promise<string | undefined> {
      const [row] = await db
        .select({ commands: chatMenus.commands })
        .from(chatMenus)
        .where(and(eq(chatMenus.platform, target.platform), eq(chatMenus.chatId, target.chatId)));
      return row?.commands[number - 1];
    },
  };
}

export type NumberedMenus = ReturnType<typeof createNumberedMenus>;
