import type { Logger } from '../../src/logger.ts';

export interface Gateway {
  /** Disconnects the session. */
  close(): Promise<void>;
}

/**
 * Holds the gateway session with discord.js (loaded only in gateway mode) and hands every INTERACTION_CREATE over
 * as Discord sent it. Resolves once the client is ready; rejects when Discord refuses the token.
 */
export async function openGateway(options: {
  token: string;
  apiBase: string;
  log: Logger;
  onInteraction(raw: unknown): Promise<void>;
}): Promise<Gateway> {
  const { Client, Events, GatewayIntentBits } = await import('discord.js');
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: options.apiBase } });
  client.ws.on('INTERACTION_CREATE' as never, (raw: unknown) => {
    options
      .onInteraction(raw)
      .catch((error) => options.log.error({ err: error }, 'discord gateway interaction not recorded'));
  });
  client.on(Events.ShardDisconnect, (event) => options.log.warn({ code: event.code }, 'discord gateway disconnected'));
  client.on(Events.Error, (error) => options.log.warn({ err: error }, 'discord gateway error'));
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(options.token);
  await ready;
  options.log.info({ user: client.user?.id }, 'discord gateway ready');
  return {
    async close() {
      await client.destroy();
    },
  };
}
