import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../test/helpers/database.ts';
import { manualClock } from '../../clock.ts';
import { AppError } from '../../errors.ts';
import { createPeople } from './people.ts';

const database = useTestDatabase();
const clock = manualClock('2026-03-01T10:00:00Z');
const people = () => createPeople({ db: database().db, clock });

async function reasonOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error.reason ?? error.code;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('people', () => {
  it('makes BODEGA_OWNERS owners and is idempotent', async () => {
    await people().ensureOwners(['telegram:1001', 'discord:2002']);
    await people().ensureOwners(['telegram:1001']);
    expect((await people().findByIdentity('telegram:1001'))?.role).toBe('owner');
    expect((await people().findByIdentity('discord:2002'))?.role).toBe('owner');
    expect((await people().list()).filter((p) => p.identities.includes('telegram:1001'))).toHaveLength(1);
  });

  it('names an owner from BODEGA_OWNERS as their platform does once they write, and keeps a name given', async () => {
    await people().ensureOwners(['telegram:3101']);
    const nameOf = async (identity: string) => (await people().findByIdentity(identity))?.displayName;
    expect(await nameOf('telegram:3101')).toBe('telegram:3101');
    // Telegram's fallback for a user without a name is their bare id: no better than what it has.
    expect((await people().knownAs('telegram:3101', '3101'))?.displayName).toBe('telegram:3101');
    expect((await people().knownAs('telegram:3101', '  Ana López '))?.displayName).toBe('Ana López');
    expect((await people().knownAs('telegram:3101', 'Ana L.'))?.displayName).toBe('Ana López');
    expect((await people().list()).find((p) => p.identities.includes('telegram:3101'))?.displayName).toBe('Ana López');
    expect(await people().knownAs('telegram:3999', 'Nadie')).toBeUndefined();
  });

  it('links an identity with a single-use invite code that expires after 24 hours', async () => {
    const owner = await people().findByIdentity('telegram:1001');
    const { code } = await people().createInvite(owner!, 'staff');
    const staff = await people().redeem('whatsapp:5215550001', code.toLowerCase(), 'Ana');
    expect(staff).toMatchObject({ displayName: 'Ana', role: 'staff' });
    expect(await reasonOf(people().redeem('whatsapp:5215550002', code, 'Otro'))).toBe('start.bad_code');

    const { code: late } = await people().createInvite(owner!, 'viewer');
    clock.advance(24 * 60 * 60 * 1000 + 1);
    expect(await reasonOf(people().redeem('telegram:3003', late, 'Tarde'))).toBe('start.bad_code');
    expect(await people().findByIdentity('telegram:3003')).toBeUndefined();
  });

  it('prints an owner code only while no chat identity is an owner: the same one while it can be derived again, else a newer one that replaces it', async () => {
    const fresh = createPeople({ db: database().db, clock });
    const owners = (await fresh.list()).filter((p) => p.role === 'owner');
    for (const owner of owners) {
      await database().sql`update users set revoked_at = now() where id = ${owner.id}`;
    }
    await fresh.ensureConsoleOwner();
    const first = await fresh.ownerCodeIfNoOwner();
    const second = await fresh.ownerCodeIfNoOwner();
    expect(first?.code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    // Without a secret to derive it from, a code cannot be shown twice: a new one replaces it, and says so.
    expect(second?.changed).toBe(true);
    expect(await reasonOf(fresh.redeem('telegram:4004', first!.code, 'Dueña'))).toBe('start.bad_code');
    // Derived from a secret, the same unused code comes back on every start until it is used.
    const secret = Buffer.alloc(32, 7);
    const derived = await fresh.ownerCodeIfNoOwner(secret);
    expect(derived?.changed).toBe(true);
    clock.advance(60_000);
    expect(await fresh.ownerCodeIfNoOwner(secret)).toEqual({ code: derived?.code, changed: false });
    expect(await reasonOf(fresh.redeem('telegram:4004', second!.code, 'Dueña'))).toBe('start.bad_code');
    expect((await fresh.redeem('telegram:4004', derived!.code, 'Dueña')).role).toBe('owner');
    expect(await fresh.ownerCodeIfNoOwner()).toBeUndefined();
  });

  it('lets admins manage roles but keeps owners for owners, and never leaves the shop without one', async () => {
    const owner = (await people().findByIdentity('telegram:4004'))!;
    const { code } = await people().createInvite(owner, 'admin');
    const admin = await people().redeem('discord:5005', code, 'Admin Ale');
    const staff = (await people().findByIdentity('whatsapp:5215550001'))!;

    expect((await people().setRole(admin, `#${staff.id}`, 'viewer')).role).toBe('viewer');
    expect(await reasonOf(people().setRole(admin, 'Dueña', 'staff'))).toBe('role.not_allowed');
    expect(await reasonOf(people().setRole(admin, 'Ana', 'owner'))).toBe('role.not_allowed');
    expect(await reasonOf(people().setRole(admin, 'discord:5005', 'owner'))).toBe('role.not_allowed');
    expect(await reasonOf(people().createInvite(admin, 'owner'))).toBe('invite.too_high');
    expect(await reasonOf(people().setRole(admin, 'nadie', 'staff'))).toBe('user.not_found');

    const onlyChatOwner = (await people().list()).filter((p) => p.role === 'owner' && !p.revoked);
    for (const other of onlyChatOwner.filter((p) => p.id !== owner.id)) {
      await people().revoke(owner, `#${other.id}`);
    }
    expect(await reasonOf(people().setRole(owner, `#${owner.id}`, 'admin'))).toBe('role.not_allowed');
  });

  it('revoking removes access at once', async () => {
    const owner = (await people().findByIdentity('telegram:4004'))!;
    await people().revoke(owner, 'Admin Ale');
    expect(await people().findByIdentity('discord:5005')).toBeUndefined();
    expect((await people().list()).find((p) => p.displayName === 'Admin Ale')?.revoked).toBe(true);
  });
});
