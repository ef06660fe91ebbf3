import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const roles = ['viewer', 'staff', 'admin', 'owner'] as const;
export type Role = (typeof roles)[number];

/** One person, whatever chat apps they use. A revoked user keeps their history but can do nothing. */
export const users = pgTable(
  'users',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    displayName: text('display_name').notNull(),
    role: text('role', { enum: roles }).notNull(),
    /** Chosen with /lang; null follows the platform's language, then BODEGA_LOCALE. */
    locale: text('locale', { enum: ['es', 'en'] }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (table) => [check('users_role', sql`${table.role} in ('viewer', 'staff', 'admin', 'owner')`)],
);

/** A chat identity (`telegram:<id>`, `discord:<id>`, `whatsapp:<phone>`, `console:owner`) linked to a user. */
export const identities = pgTable(
  'identities',
  {
    identity: text('identity').primaryKey(),
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id),
    linkedAt: timestamp('linked_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('identities_user').on(table.userId)],
);

/** Single-use codes for /start: invites (24 h) and the owner code printed while no owner exists. Only hashes are kept. */
export const inviteCodes = pgTable(
  'invite_codes',
  {
    codeHash: text('code_hash').primaryKey(),
    role: text('role', { enum: roles }).notNull(),
    kind: text('kind', { enum: ['invite', 'owner'] }).notNull(),
    createdBy: bigint('created_by', { mode: 'number' }).references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    usedBy: bigint('used_by', { mode: 'number' }).references(() => users.id),
  },
  (table) => [check('invite_codes_role', sql`${table.role} in ('viewer', 'staff', 'admin', 'owner')`)],
);
