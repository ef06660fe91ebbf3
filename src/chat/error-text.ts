import { isAppError } from '../errors.ts';
import { catalogues, type MessageKey, type Params, type Translate } from '../i18n/index.ts';

/** Details that are words of a fixed set (a role such as `staff`): shown in the user's language (`personal`). */
function localised(details: Params, t: Translate): Params {
  const role = details.role;
  const key = `role.${role}`;
  if (typeof role !== 'string' || !(key in catalogues.es)) return details;
  return { ...details, role: t(key as MessageKey) };
}

/**
 * The one place that turns an error into chat text: an expected error speaks through its reason (a catalogue
 * key, required by AppError's type), never through its developer message; anything else gets the apology.
 */
export function errorText(error: unknown, t: Translate): string {
  if (!isAppError(error)) return t('error.internal');
  return reasonText(error.reason, error.details, t);
}

/** An expected error kept as its reason and details (a sync run's failure): the same words as when it happened. */
export function reasonText(reason: string | null, details: unknown, t: Translate): string {
  if (!reason || !(reason in catalogues.es)) return t('error.internal');
  return t(reason as MessageKey, localised((details ?? {}) as Params, t));
}
