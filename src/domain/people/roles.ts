import { type Role, roles } from '../../../db/schema/people.ts';

export { type Role, roles };

const rank: Record<Role, number> = { viewer: 1, staff: 2, admin: 3, owner: 4 };

/** True when `role` is `minimum` or higher in viewer < staff < admin < owner. */
export function atLeast(role: Role, minimum: Role): boolean {
  return rank[role] >= rank[minimum];
}

export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value);
}
