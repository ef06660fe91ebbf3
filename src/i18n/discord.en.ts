import type { discordEs } from './discord.es.ts';
import type { Message } from './index.ts';

/** English texts of the discord area; same keys and placeholders as discord.es.ts. */
export const discordEn: Record<keyof typeof discordEs, Message> = {};
