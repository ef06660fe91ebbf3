import type { Locale } from '../i18n/index.ts';
import { normaliseWord, type Registry } from './registry.ts';

/** One entry of Telegram's `setMyCommands` for a language. */
export interface TelegramMenuEntry {
  command: string;
  description: string;
}

/** The command menu Telegram shows in `locale` (Spanish names for es). */
export function telegramMenu(registry: Registry, locale: Locale): TelegramMenuEntry[] {
  return registry.commands.map((command) => ({
    command: telegramName(locale === 'es' ? (command.aliases.es[0] ?? command.name) : command.name),
    description: command.description[locale].slice(0, 256),
  }));
}

/** Telegram command names: 1-32 of a-z, 0-9 and underscore. */
function telegramName(word: string): string {
  return normaliseWord(word)
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 32);
}
