import type { REST } from '@discordjs/rest';
import type { Registry } from '../../src/commands/registry.ts';
import { commandsHash, discordCommands } from './commands.ts';
import { Routes } from './routes.ts';

export interface CommandSetStore {
  hash(scope: string): Promise<string | undefined>;
  saveHash(scope: string, hash: string): Promise<void>;
}

export interface RegisterOptions {
  rest: REST;
  applicationId: string;
  /** DISCORD_GUILD_ID: commands for one server, which Discord updates at once (global ones take a while). */
  guildId?: string | undefined;
  registry: Registry;
  store: CommandSetStore;
  /** Register even when the stored hash says nothing changed (`bodega discord register`). */
  force?: boolean;
}

/** Bulk-overwrites the application's commands from the registry when they changed; answers what it did. */
export async function registerCommands(options: RegisterOptions) {
  const commands = discordCommands(options.registry);
  const hash = commandsHash(commands);
  const scope = options.guildId ? `guild:${options.guildId}` : 'global';
  if (!options.force && (await options.store.hash(scope)) === hash)
    return { scope, count: commands.length, changed: false };
  const route = options.guildId
    ? Routes.applicationGuildCommands(options.applicationId, options.guildId)
    : Routes.applicationCommands(options.applicationId);
  await options.rest.put(route, { body: commands });
  await options.store.saveHash(scope, hash);
  return { scope, count: commands.length, changed: true };
}
