import type { Translate } from '../i18n/index.ts';
import type { Services } from './context.ts';

/** Who made a change, as people know them: a user's name, the API key's name, or the system. */
export async function actorNames(services: Services, t: Translate): Promise<(actor: string) => string> {
  const names = new Map((await services.people.list()).map((person) => [`user:${person.id}`, person.displayName]));
  return (actor) => {
    const name = names.get(actor);
    if (name !== undefined) return name;
    if (actor.startsWith('api:')) return t('history.api_actor', { name: actor.slice(4) });
    if (actor === 'system') return t('history.system_actor');
    return actor;
  };
}
