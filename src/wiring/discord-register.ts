import type { Config } from '../config.ts';
import { createCore, openDatabase } from '../core.ts';
import type { Translate } from '../i18n/index.ts';
import type { Logger } from '../logger.ts';
import { discordAdapter, registerDiscordCommands } from './discord.ts';

/**
 * `bodega discord register`: bulk-overwrites the application's slash commands from the registry (in one server with
 * DISCORD_GUILD_ID, else globally) and stores their hash, so `start` registers again only when they change.
 */
export async function discordRegister(config: Config, log: Logger, t: Translate, out: NodeJS.WritableStream) {
  if (!config.discord?.applicationId) {
    out.write(`${t('discord.register_off')}\n`);
    return 1;
  }
  const database = await openDatabase(config, log, 'discord');
  const core = createCore({ database, config, log });
  try {
    const adapter = discordAdapter(config, core, database, log, () => {});
    const outcome = await registerDiscordCommands(adapter, config, core, database, true);
    const guild = config.discord.guildId;
    const scope = guild ? t('discord.scope_guild', { guild }) : t('discord.scope_global');
    out.write(`${t('discord.register_done', { scope, count: outcome.count })}\n`);
    return 0;
  } catch (error) {
    out.write(`${t('discord.register_failed', { reason: error instanceof Error ? error.message : String(error) })}\n`);
    return 1;
  } finally {
    await core.close();
    await database.close();
  }
}
