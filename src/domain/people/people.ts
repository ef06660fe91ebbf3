import { and, asc, desc, eq, gt, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { rawRows } from '../../../db/raw.ts';
import { identities, inviteCodes, users } from '../../../db/schema/people.ts';
import type { Clock } from '../../clock.ts';
import { AppError } from '../../errors.ts';
import { codeFromSecret, hashCode, newCode } from './codes.ts';
import { atLeast, type Role } from './roles.ts';

export const CONSOLE_IDENTITY = 'console:owner';
/** The terminal owner's stored name; lists show it in the reader's language. */
export const CONSOLE_NAME = 'Console';
const INVITE_TTL_MS = 24 * 60 * 60 * 1000;
const OWNER_CODE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export interface User {
  id: number;
  displayName: string;
  role: Role;
  locale: 'es' | 'en' | null;
}

export interface Person extends User {
  identities: string[];
  revoked: boolean;
}

export interface People {
  /** The active user behind a chat identity, or undefined when it is not linked (or was revoked). */
  findByIdentity(identity: string): Promise<User | undefined>;
  /**
   * As findByIdentity, for someone writing now under `displayName` (the platform's name for them): a user still
   * named by their identity (an owner from BODEGA_OWNERS) takes that name, so lists say "Ana", not "telegram:100".
   * A name someone gave (an invite redeemed) is kept.
   */
  knownAs(identity: string, displayName: string): Promise<User | undefined>;
  /** Makes each BODEGA_OWNERS identity an owner, creating users as needed. */
  ensureOwners(identityList: string[]): Promise<void>;
  /** The terminal operator is always an owner. */
  ensureConsoleOwner(): Promise<User>;
  /** A fresh one-time owner code while no chat identity belongs to an owner; earlier unused ones stop working. */
  /**
   * The one-time owner code while no chat identity is an owner. With `secret` the same unused code comes back on
   * every start until it is used or expires; `changed` says an earlier code stopped working.
   */
  ownerCodeIfNoOwner(secret?: Buffer): Promise<{ code: string; changed: boolean } | undefined>;
  createInvite(by: User, role: Role): Promise<{ code: string; expiresAt: Date }>;
  /** Links an identity using an invite or owner code, once. */
  redeem(identity: string, code: string, displayName: string): Promise<User>;
  list(): Promise<Person[]>;
  setRole(actor: User, reference: string, role: Role): Promise<User>;
  revoke(actor: User, reference: string): Promise<User>;
  setLocale(userId: number, locale: 'es' | 'en'): Promise<void>;
}

const userColumns = { id: users.id, displayName: users.displayName, role: users.role, locale: users.locale };

/** Serialises role changes so two admins cannot demote the last two owners at once. */
async function lockRoleChanges(tx: Db) {
  await rawRows(tx, sql`select pg_advisory_xact_lock(hashtext('bodega:roles'))`);
}

/** What each management action says when it is not allowed, or would leave the shop without an owner. */
const refusals = {
  role: { notAllowed: 'role.not_allowed', lastOwner: 'role.last_owner' },
  revoke: { notAllowed: 'revoke.not_allowed', lastOwner: 'revoke.last_owner' },
} as const;

export function createPeople({ db, clock }: { db: Db; clock: Clock }): People {
  async function findByIdentity(identity: string) {
    const [row] = await db
      .select(userColumns)
      .from(identities)
      .innerJoin(users, eq(users.id, identities.userId))
      .where(and(eq(identities.identity, identity), isNull(users.revokedAt)));
    return row;
  }

  async function knownAs(identity: string, displayName: string) {
    const user = await findByIdentity(identity);
    const name = displayName.trim();
    const placeholder = (candidate: string) => candidate === identity || identity.endsWith(`:${candidate}`);
    if (!user || !placeholder(user.displayName) || !name || placeholder(name)) return user;
    const [named] = await db
      .update(users)
      .set({ displayName: name })
      .where(and(eq(users.id, user.id), eq(users.displayName, user.displayName)))
      .returning(userColumns);
    return named ?? user;
  }

  async function linkNewUser(tx: Db, identity: string, displayName: string, role: Role): Promise<User> {
    const [user] = await tx.insert(users).values({ displayName, role }).returning(userColumns);
    if (!user) throw new Error('user insert returned nothing');
    await tx.insert(identities).values({ identity, userId: user.id });
    return user;
  }

  async function resolve(reference: string): Promise<User> {
    const trimmed = reference.trim().replace(/^#/, '');
    const condition = /^\d+$/.test(trimmed)
      ? eq(users.id, Number(trimmed))
      : trimmed.includes(':')
        ? inArray(
            users.id,
            db.select({ id: identities.userId }).from(identities).where(eq(identities.identity, trimmed)),
          )
        : sql`lower(${users.displayName}) = lower(${trimmed})`;
    const found = await db
      .select(userColumns)
      .from(users)
      .where(and(condition, isNull(users.revokedAt)));
    if (found.length !== 1)
      throw new AppError('not_found', `No single user matches ${reference}`, { user: reference }, 'user.not_found');
    return found[0] as User;
  }

  async function ownerCount(tx: Db) {
    const [row] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(users)
      .where(and(eq(users.role, 'owner'), isNull(users.revokedAt)));
    return row?.n ?? 0;
  }

  /** Owners and admins manage people, but only an owner touches owners, and nobody changes themself. */
  function assertMayManage(action: keyof typeof refusals, actor: User, target: User, newRole?: Role) {
    const touchesOwner = target.role === 'owner' || newRole === 'owner';
    if (actor.id === target.id || !atLeast(actor.role, 'admin') || (touchesOwner && actor.role !== 'owner')) {
      throw new AppError(
        'forbidden',
        `Not allowed to ${action} this user`,
        { name: target.displayName },
        refusals[action].notAllowed,
      );
    }
  }

  /** Applies a change to one user under the role lock, refusing it when no owner would be left. */
  async function changeUser(action: keyof typeof refusals, target: User, set: Partial<typeof users.$inferInsert>) {
    return db.transaction(async (tx) => {
      await lockRoleChanges(tx);
      const [updated] = await tx.update(users).set(set).where(eq(users.id, target.id)).returning(userColumns);
      if ((await ownerCount(tx)) === 0)
        throw new AppError('conflict', 'Last owner', { name: target.displayName }, refusals[action].lastOwner);
      return updated as User;
    });
  }

  return {
    findByIdentity,
    knownAs,

    async ensureOwners(identityList) {
      for (const identity of identityList) {
        await db.transaction(async (tx) => {
          const [existing] = await tx
            .select({ userId: identities.userId })
            .from(identities)
            .where(eq(identities.identity, identity));
          if (existing)
            await tx.update(users).set({ role: 'owner', revokedAt: null }).where(eq(users.id, existing.userId));
          else await linkNewUser(tx, identity, identity, 'owner');
        });
      }
    },

    async ensureConsoleOwner() {
      const existing = await findByIdentity(CONSOLE_IDENTITY);
      if (existing) return existing;
      return db.transaction(async (tx) => {
        await rawRows(tx, sql`select pg_advisory_xact_lock(hashtext(${CONSOLE_IDENTITY}))`);
        const [again] = await tx
          .select(userColumns)
          .from(identities)
          .innerJoin(users, eq(users.id, identities.userId))
          .where(eq(identities.identity, CONSOLE_IDENTITY));
        return again ?? linkNewUser(tx, CONSOLE_IDENTITY, CONSOLE_NAME, 'owner');
      });
    },

    async ownerCodeIfNoOwner(secret) {
      const [owner] = await db
        .select({ id: users.id })
        .from(users)
        .innerJoin(identities, eq(identities.userId, users.id))
        .where(and(eq(users.role, 'owner'), isNull(users.revokedAt), ne(identities.identity, CONSOLE_IDENTITY)))
        .limit(1);
      if (owner) return undefined;
      const now = clock.now();
      const ownerCodeAt = (at: Date) => (secret ? codeFromSecret(secret, `owner-code:${at.getTime()}`) : undefined);
      const [live] = await db
        .select({ codeHash: inviteCodes.codeHash, createdAt: inviteCodes.createdAt })
        .from(inviteCodes)
        .where(and(eq(inviteCodes.kind, 'owner'), isNull(inviteCodes.usedAt), gt(inviteCodes.expiresAt, now)))
        .orderBy(desc(inviteCodes.createdAt))
        .limit(1);
      const again = live ? ownerCodeAt(live.createdAt) : undefined;
      if (live && again && hashCode(again) === live.codeHash) return { code: again, changed: false };
      const code = ownerCodeAt(now) ?? newCode();
      await db.transaction(async (tx) => {
        await tx
          .update(inviteCodes)
          .set({ expiresAt: now })
          .where(and(eq(inviteCodes.kind, 'owner'), isNull(inviteCodes.usedAt)));
        await tx.insert(inviteCodes).values({
          codeHash: hashCode(code),
          role: 'owner',
          kind: 'owner',
          createdAt: now,
          expiresAt: new Date(now.getTime() + OWNER_CODE_TTL_MS),
        });
      });
      return { code, changed: live !== undefined };
    },

    async createInvite(by, role) {
      if (!atLeast(by.role, 'admin')) throw new AppError('forbidden', 'Only admins invite', {}, 'invite.not_allowed');
      if (!atLeast(by.role, role))
        throw new AppError('forbidden', 'Cannot invite above own role', { role: by.role }, 'invite.too_high');
      const code = newCode();
      const now = clock.now();
      const expiresAt = new Date(now.getTime() + INVITE_TTL_MS);
      await db
        .insert(inviteCodes)
        .values({ codeHash: hashCode(code), role, kind: 'invite', createdBy: by.id, createdAt: now, expiresAt });
      return { code, expiresAt };
    },

    async redeem(identity, code, displayName) {
      const linked = await findByIdentity(identity);
      if (linked)
        throw new AppError(
          'conflict',
          'Identity already linked',
          { name: linked.displayName, role: linked.role },
          'start.already_linked',
        );
      return db.transaction(async (tx) => {
        const [claimed] = await tx
          .update(inviteCodes)
          .set({ usedAt: clock.now() })
          .where(
            and(
              eq(inviteCodes.codeHash, hashCode(code)),
              isNull(inviteCodes.usedAt),
              gt(inviteCodes.expiresAt, clock.now()),
            ),
          )
          .returning({ role: inviteCodes.role, codeHash: inviteCodes.codeHash });
        if (!claimed) throw new AppError('invalid_input', 'Unknown, used or expired code', {}, 'start.bad_code');
        const [stale] = await tx
          .select({ userId: identities.userId })
          .from(identities)
          .where(eq(identities.identity, identity));
        let user: User;
        if (stale) {
          // A revoked identity comes back as a fresh grant, not with its old role.
          [user] = (await tx
            .update(users)
            .set({ role: claimed.role, revokedAt: null, displayName })
            .where(eq(users.id, stale.userId))
            .returning(userColumns)) as [User];
        } else {
          user = await linkNewUser(tx, identity, displayName, claimed.role);
        }
        await tx.update(inviteCodes).set({ usedBy: user.id }).where(eq(inviteCodes.codeHash, claimed.codeHash));
        return user;
      });
    },

    async list() {
      const rows = await db
        .select({ ...userColumns, revokedAt: users.revokedAt, identity: identities.identity })
        .from(users)
        .leftJoin(identities, eq(identities.userId, users.id))
        .orderBy(asc(users.id));
      const byId = new Map<number, Person>();
      for (const row of rows) {
        const person = byId.get(row.id) ?? {
          id: row.id,
          displayName: row.displayName,
          role: row.role,
          locale: row.locale,
          identities: [],
          revoked: row.revokedAt !== null,
        };
        if (row.identity) person.identities.push(row.identity);
        byId.set(row.id, person);
      }
      return [...byId.values()];
    },

    async setRole(actor, reference, role) {
      const target = await resolve(reference);
      assertMayManage('role', actor, target, role);
      return changeUser('role', target, { role });
    },

    async revoke(actor, reference) {
      const target = await resolve(reference);
      assertMayManage('revoke', actor, target);
      return changeUser('revoke', target, { revokedAt: clock.now() });
    },

    async setLocale(userId, locale) {
      await db.update(users).set({ locale }).where(eq(users.id, userId));
    },
  };
}
