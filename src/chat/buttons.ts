import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { buttonCommands } from '../../db/schema/chat.ts';

/** Keeps button commands server side when a platform limits button data (Telegram: 64 bytes). */
export function createButtonStore({ db }: { db: Db }) {
  return {
    /** The data to put on a button: the command itself when it fits, else `#<id>` of the stored command. */
    async encode(command: string, maxBytes: number): Promise<string> {
      if (Buffer.byteLength(command) <= maxBytes && !command.startsWith('#')) return command;
      const [row] = await db
        .insert(buttonCommands)
        .values({ command })
        .onConflictDoUpdate({ target: buttonCommands.command, set: { createdAt: sql`now()` } })
        .returning({ id: buttonCommands.id });
      return `#${row?.id}`;
    },
    /** The command a pressed button stands for, or undefined for stale or forged data. */
    async decode(data: string): Promise<string | undefined> {
      if (!data.startsWith('#')) return data;
      const id = Number(data.slice(1));
      if (!Number.isSafeInteger(id)) return undefined;
      const [row] = await db
        .select({ command: buttonCommands.command })
        .from(buttonCommands)
        .where(eq(buttonCommands.id, id));
      return row?.command;
    },
  };
}

export type ButtonStore = ReturnType<typeof createButtonStore>;
