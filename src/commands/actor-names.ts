import { CONSOLE_IDENTITY, CONSOLE_NAME, type Person } from '../domain/people/index.ts';
import type { Translate } from '../i18n/index.ts';
import type { Services } from './context.ts';

/** A person's name as lists show it: the terminal's owner, stored as CONSOLE_NAME, is named in the reader's language. */
export function personName(person: Person, t: Translate): string {
  return person.identities.includes(CONSOLE_IDENTITY) && person.displayName === CONSOLE_NAME
    ? t('history.console_actor')
    : person.displayName;
}

/** Who made a change, as people know them: a user's name, the API key's name, or the system. */
export async function actorNames(services: Services, t: Translate): Promise<(actor: string) => string> {
  const names = new Map((await services.people.list()).map((person) => [`user:${person.id}`, personName(person, t)]));
  return (actor) => {
    const name = names.get(actor);
    if (name !== undefined) return name;
    if (actor.startsWith('api:')) return t('history.api_actor', { name: actor.slice(4) });
    if (actor === 'system') return t('history.system_actor');
    return actor;
  };
}
