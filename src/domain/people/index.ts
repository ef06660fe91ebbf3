export { CONSOLE_IDENTITY, createPeople, type People, type Person, type User } from './people.ts';
export { atLeast, isRole, roles, type Role } from './roles.ts';
