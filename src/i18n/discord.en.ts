import type { discordEs } from './discord.es.ts';
import type { Message } from './index.ts';

/** English texts of the discord area; same keys and placeholders as discord.es.ts. */
export const discordEn: Record<keyof typeof discordEs, Message> = {
  'cli.verb.discord': 'discord register: publishes the slash commands on Discord (in one server with DISCORD_GUILD_ID)',
  'discord.file_too_large':
    'The file {file} is {size} MB and Discord only takes files up to {limit} MB. Ask again later: download links are coming soon.',
  'discord.register_done': 'Discord commands registered ({scope}): {count}.',
  'discord.register_off': 'Discord is not configured: set DISCORD_TOKEN and DISCORD_APPLICATION_ID.',
  'discord.register_failed': 'Discord did not accept the commands: {reason}',
  'discord.scope_global': 'global',
  'discord.scope_guild': 'server {guild}',
};
