import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { chatSubscriptions } from '../../db/schema/chat.ts';
import type { Locale } from '../i18n/index.ts';
import type { ChatTarget } from './target.ts';

export const topics = ['stock', 'filters', 'prices', 'orders', 'reports'] as const;
export type Topic = (typeof topics)[number];

export interface Subscriber extends ChatTarget {
  locale: Locale;
}

/** Which chats get which alerts. */
export interface Subscriptions {
  subscribe(chat: ChatTarget, list: readonly Topic[], locale: Locale): Promise<void>;
  unsubscribe(chat: ChatTarget, list: readonly Topic[]): Promise<void>;
  subscribers(topic: Topic, db?: Db): Promise<Subscriber[]>;
  /** The topics a chat receives, in the order of `topics`. */
  topicsOf(chat: ChatTarget): Promise<Topic[]>;
}

export function createSubscriptions({ db }: { db: Db }): Subscriptions {
  return {
    async subscribe(chat, list, locale) {
      if (list.length === 0) return;
      await db
        .insert(chatSubscriptions)
        .values(list.map((topic) => ({ platform: chat.platform, chatId: chat.chatId, topic, locale })))
        .onConflictDoUpdate({
          target: [chatSubscriptions.platform, chatSubscriptions.chatId, chatSubscriptions.topic],
          set: { locale },
        });
    },
    async unsubscribe(chat, list) {
      await db
        .delete(chatSubscriptions)
        .where(
          and(
            eq(chatSubscriptions.platform, chat.platform),
            eq(chatSubscriptions.chatId, chat.chatId),
            inArray(chatSubscriptions.topic, [...list]),
          ),
        );
    },
    async subscribers(topic, tx = db) {
      return tx
        .select({
          platform: chatSubscriptions.platform,
          chatId: chatSubscriptions.chatId,
          locale: chatSubscriptions.locale,
        })
        .from(chatSubscriptions)
        .where(eq(chatSubscriptions.topic, topic));
    },
    async topicsOf(chat) {
      const rows = await db
        .select({ topic: chatSubscriptions.topic })
        .from(chatSubscriptions)
        .where(and(eq(chatSubscriptions.platform, chat.platform), eq(chatSubscriptions.chatId, chat.chatId)));
      const on = new Set(rows.map((row) => row.topic));
      return topics.filter((topic) => on.has(topic));
    },
  };
}
