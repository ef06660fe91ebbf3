import { and, eq, lt, sql } from 'drizzle-orm';
import { createDiscordAdapter, type DiscordAdapter, type DiscordStore } from '../../bots/discord/adapter.ts';
import { tokenClosed } from '../../bots/discord/doors.ts';
import { type Gateway, openGateway } from '../../bots/discord/gateway.ts';
import { type CommandSetStore, registerCommands } from '../../bots/discord/register.ts';
import { type TokenSeal, tokenSeal } from '../../bots/discord/sealed.ts';
import { publicKeyFromHex } from '../../bots/discord/verify.ts';
import type { Database } from '../../db/client.ts';
import { discordCommandSets, discordInteractions } from '../../db/schema/discord.ts';
import { createButtonStore } from '../chat/buttons.ts';
import { recordUpdate } from '../chat/inbound.ts';
import type { Clock } from '../clock.ts';
import type { Config, DiscordConfig } from '../config.ts';
import type { Core } from '../core.ts';
import { holdLeadership } from '../leadership.ts';
import type { Logger } from '../logger.ts';
import { setUpInBackground } from '../platform-setup.ts';

const DAY_MS = 24 * 60 * 60_000;
const TOKEN_MS = 15 * 60_000;

/** Interactions, the inbound hand-off and button commands over the database. */
export function discordStore(database: Database, clock: Clock, seal: TokenSeal): DiscordStore {
  const { db } = database;
  let lastPrune = 0;
  /** Blanks tokens past their 15 minutes and forgets interactions after a day (at most once a minute). */
  async function prune(now: Date) {
    if (now.getTime() - lastPrune < 60_000) return;
    lastPrune = now.getTime();
    await db.delete(discordInteractions).where(lt(discordInteractions.receivedAt, new Date(now.getTime() - DAY_MS)));
    await db
      .update(discordInteractions)
      .set({ token: '', expired: true })
      .where(
        and(
          lt(discordInteractions.receivedAt, new Date(now.getTime() - TOKEN_MS)),
          eq(discordInteractions.expired, false),
        ),
      );
  }
  return {
    async remember({ id, token, channelId }) {
      const now = clock.now();
      await db
        .insert(discordInteractions)
        .values({ id, token: seal.seal(token), channelId, receivedAt: now })
        .onConflictDoNothing();
      await prune(now);
    },
    record: (update) => recordUpdate(db, update),
    async find(id) {
      const [row] = await db.select().from(discordInteractions).where(eq(discordInteractions.id, id));
      if (!row) return undefined;
      // A token sealed by another process's own key cannot be opened here: that door is closed for this instance.
      const token = seal.open(row.token);
      return token === undefined ? { ...row, token: '', expired: true } : { ...row, token };
    },
    async update(id, change) {
      await db.update(discordInteractions).set(change).where(eq(discordInteractions.id, id));
    },
    buttons: createButtonStore({ db }),
  };
}

export function commandSetStore(database: Database): CommandSetStore {
  const { db } = database;
  return {
    async hash(scope) {
      const [row] = await db.select().from(discordCommandSets).where(eq(discordCommandSets.scope, scope));
      return row?.hash;
    },
    async saveHash(scope, hash) {
      await db
        .insert(discordCommandSets)
        .values({ scope, hash })
        .onConflictDoUpdate({ target: discordCommandSets.scope, set: { hash, registeredAt: sql`now()` } });
    },
  };
}

/** The Discord adapter wired to the router, the registry's autocomplete and the database. */
export function discordAdapter(
  config: Config,
  core: Core,
  database: Database,
  log: Logger,
  wake: () => void,
  options: { answerWithinMs?: number; encryptionKey?: Buffer | undefined } = {},
): DiscordAdapter {
  const settings = config.discord as DiscordConfig;
  const { encryptionKey, ...adapterOptions } = options;
  const seal = tokenSeal(encryptionKey ?? config.encryptionKey);
  if (!seal.shared && config.database.url)
    log.warn(
      'ENCRYPTION_KEY is not set: Discord interaction tokens open only on the instance that received them; other instances answer with channel messages',
    );
  return createDiscordAdapter({
    token: settings.token,
    applicationId: settings.applicationId as string,
    publicKey: settings.publicKey ? publicKeyFromHex(settings.publicKey) : undefined,
    apiBase: settings.apiBase,
    router: core.router,
    registry: core.registry,
    complete: (input, path, arg, partial) => core.router.complete?.(input, path, arg, partial) ?? Promise.resolve([]),
    store: discordStore(database, core.clock, seal),
    log: log.child({ component: 'discord' }),
    clock: core.clock,
    onRecorded: wake,
    ...adapterOptions,
  });
}

/** `bodega discord register` and start's check: bulk-overwrites the commands when they changed (or when forced). */
export function registerDiscordCommands(
  adapter: DiscordAdapter,
  config: Config,
  core: Core,
  database: Database,
  force: boolean,
) {
  const settings = config.discord as DiscordConfig;
  return registerCommands({
    rest: adapter.rest,
    applicationId: settings.applicationId as string,
    guildId: settings.guildId,
    registry: core.registry,
    store: commandSetStore(database),
    force,
  });
}

/**
 * Sets Discord up in the background: the token is checked, then interactions arrive by webhook (PUBLIC_URL) or over
 * the gateway on the one elected instance, and the commands are registered again when their definitions changed.
 */
export function connectDiscord(discord: DiscordAdapter, config: Config, core: Core, database: Database, log: Logger) {
  const settings = config.discord as DiscordConfig;
  let leadership: { release(): Promise<void> } | undefined;
  let gateway: Gateway | undefined;
  let stopped = false;
  const setup = setUpInBackground({
    name: 'discord',
    log,
    clock: core.clock,
    essential: () => discord.start(),
    refused: (error) => tokenClosed(error) || (error as { status?: number }).status === 401,
    begin: () => {
      if (config.publicUrl) return;
      leadership = holdLeadership(database, 'discord-gateway', log, () => {
        openGateway({ token: settings.token, apiBase: settings.apiBase, log, onInteraction: discord.acceptFromGateway })
          .then(async (opened) => {
            gateway = opened;
            if (stopped) await opened.close();
          })
          .catch((error) => log.error({ err: error }, 'discord gateway not opened'));
      });
    },
    steps: [
      {
        name: 'commands',
        run: async () => {
          const outcome = await registerDiscordCommands(discord, config, core, database, false);
          log.info(outcome, outcome.changed ? 'discord commands registered' : 'discord commands unchanged');
        },
      },
    ],
  });
  return {
    setup,
    gatewayOpen: () => gateway !== undefined,
    async stop() {
      stopped = true;
      setup.stop();
      await gateway?.close();
      await discord.stop();
      await leadership?.release();
    },
  };
}
