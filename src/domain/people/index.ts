export { CONSOLE_IDENTITY, CONSOLE_NAME, createPeople, type People, type Person, type User } from './people.ts';
export { atLeast, isRole, type Role, roles } from './roles.ts';
