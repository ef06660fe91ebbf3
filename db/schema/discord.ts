import { sql } from 'drizzle-orm';
import { boolean, check, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Discord interactions bodega has to answer: the token opens the interaction's own door (its response, edits and
 * follow-ups) for 15 minutes; after that replies go to the channel with the bot token. Tokens are blanked once
 * they expire and rows are dropped after a day, so no live credential outlives its use.
 */
export const discordInteractions = pgTable(
  'discord_interactions',
  {
    id: text('id').primaryKey(),
    token: text('token').notNull(),
    channelId: text('channel_id').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
    /** An initial response (type 4 or 5) was given: later messages edit it or follow it up. */
    acknowledged: boolean('acknowledged').notNull().default(false),
    /** The original response's message id, once known, to edit it with the bot token after the token expired. */
    messageId: text('message_id'),
    /** Discord refused the token (expired early): every later message takes the channel door. */
    expired: boolean('expired').notNull().default(false),
  },
  (table) => [
    index('discord_interactions_age').on(table.receivedAt),
    check('discord_interactions_channel', sql`${table.channelId} ~ '^[0-9]{1,25}$'`),
  ],
);

/** The hash of the slash-command definitions last registered per scope (`global` or `guild:<id>`). */
export const discordCommandSets = pgTable('discord_command_sets', {
  scope: text('scope').primaryKey(),
  hash: text('hash').notNull(),
  registeredAt: timestamp('registered_at', { withTimezone: true }).notNull().defaultNow(),
});
