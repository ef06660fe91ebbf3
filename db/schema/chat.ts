import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';

export const outboxStatuses = ['pending', 'sending', 'sent', 'dead', 'held'] as const;

/** Messages to send later (alerts, job results), written in the caller's transaction and drained per platform. */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    platform: text('platform').notNull(),
    chatId: text('chat_id').notNull(),
    /** A serialised Reply; rendered and split by the platform's adapter at send time. */
    reply: jsonb('reply').notNull(),
    locale: text('locale', { enum: ['es', 'en'] }).notNull(),
    idempotencyKey: text('idempotency_key').notNull().unique(),
    /** `held`: the platform will not take it until the person writes again (WhatsApp's 24-hour window). */
    status: text('status', { enum: outboxStatuses }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** Parts of the split reply already delivered, so a retry resumes instead of repeating them. */
    partsSent: integer('parts_sent').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (table) => [
    index('outbox_queue')
      .on(table.platform, table.chatId, table.id)
      .where(sql`${table.status} in ('pending', 'sending')`),
    check('outbox_status', sql`${table.status} in ('pending', 'sending', 'sent', 'dead', 'held')`),
    index('outbox_held').on(table.platform, table.chatId).where(sql`${table.status} = 'held'`),
  ],
);

export const inboundStatuses = ['pending', 'done', 'dead'] as const;

/**
 * Every platform update, recorded before the platform is told it arrived: the insert is both the dedupe (a
 * redelivered update conflicts on its id) and the durable hand-off to the worker that runs it. `payload` is
 * dropped once the update is done, so message texts (codes included) are not kept.
 */
export const inboundUpdates = pgTable(
  'inbound_updates',
  {
    /** Arrival order; updates of one chat run in this order. */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    platform: text('platform').notNull(),
    updateId: text('update_id').notNull(),
    /** The conversation the update belongs to (a chat id); '' when it has none. */
    chatKey: text('chat_key').notNull().default(''),
    payload: jsonb('payload'),
    status: text('status', { enum: inboundStatuses }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    lastError: text('last_error'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    doneAt: timestamp('done_at', { withTimezone: true }),
  },
  (table) => [
    primaryKey({ columns: [table.platform, table.updateId] }),
    index('inbound_updates_age').on(table.receivedAt),
    index('inbound_updates_queue').on(table.platform, table.chatKey, table.seq).where(sql`${table.status} = 'pending'`),
    check('inbound_updates_status', sql`${table.status} in ('pending', 'done', 'dead')`),
  ],
);

/** Which chats receive which alerts (`/notify on|off [topic]`). */
export const chatSubscriptions = pgTable(
  'chat_subscriptions',
  {
    platform: text('platform').notNull(),
    chatId: text('chat_id').notNull(),
    topic: text('topic').notNull(),
    locale: text('locale', { enum: ['es', 'en'] }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.platform, table.chatId, table.topic] }),
    index('chat_subscriptions_topic').on(table.topic),
  ],
);

/** Commands behind inline buttons whose callback_data would pass Telegram's 64 bytes; the button carries the id. */
export const buttonCommands = pgTable('button_commands', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  command: text('command').notNull().unique(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Platform messages sent for outbox rows, where the platform reports delivery later (WhatsApp's statuses): which
 * outbox row and part each one carried, and the furthest status reported (sent → delivered → read, or failed).
 */
export const sentMessages = pgTable(
  'sent_messages',
  {
    platform: text('platform').notNull(),
    messageId: text('message_id').notNull(),
    outboxId: bigint('outbox_id', { mode: 'number' })
      .notNull()
      .references(() => outbox.id, { onDelete: 'cascade' }),
    part: integer('part').notNull(),
    status: text('status', { enum: ['accepted', 'sent', 'delivered', 'read', 'failed'] })
      .notNull()
      .default('accepted'),
    errorCode: integer('error_code'),
    errorTitle: text('error_title'),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.platform, table.messageId] }),
    index('sent_messages_outbox').on(table.outboxId),
    check('sent_messages_status', sql`${table.status} in ('accepted', 'sent', 'delivered', 'read', 'failed')`),
  ],
);

/** When each person last wrote to us: WhatsApp takes free-form messages only within 24 hours of that. */
export const chatWindows = pgTable(
  'chat_windows',
  {
    platform: text('platform').notNull(),
    chatId: text('chat_id').notNull(),
    /** Null once the platform said the window is closed, whatever we last saw. */
    lastInboundAt: timestamp('last_inbound_at', { withTimezone: true }),
  },
  (table) => [primaryKey({ columns: [table.platform, table.chatId] })],
);

/** The last numbered menu sent to a chat on a platform without buttons: a bare number answers it. */
export const chatMenus = pgTable(
  'chat_menus',
  {
    platform: text('platform').notNull(),
    chatId: text('chat_id').notNull(),
    /** The command each number stands for, 1 first. */
    commands: jsonb('commands').$type<string[]>().notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.platform, table.chatId] })],
);
