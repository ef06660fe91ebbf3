import { createTelegramAdapter, type TelegramAdapter, tokenRefused } from '../../bots/telegram/adapter.ts';
import type { Database } from '../../db/client.ts';
import { createButtonStore } from '../chat/buttons.ts';
import { recordUpdate } from '../chat/inbound.ts';
import type { Config } from '../config.ts';
import type { Core } from '../core.ts';
import { holdLeadership } from '../leadership.ts';
import type { Logger } from '../logger.ts';
import { setUpInBackground } from '../platform-setup.ts';

/** The Telegram adapter wired to the router, the durable inbound store (`wake` nudges its worker) and button storage. */
export function telegramAdapter(
  config: Config,
  core: Core,
  database: Database,
  log: Logger,
  wake: () => void,
): TelegramAdapter {
  const settings = config.telegram as NonNullable<Config['telegram']>;
  return createTelegramAdapter({
    token: settings.token,
    apiRoot: settings.apiRoot,
    webhookSecret: settings.webhookSecret,
    router: core.router,
    log: log.child({ component: 'telegram' }),
    record: (update) => recordUpdate(database.db, update),
    onRecorded: wake,
    buttons: createButtonStore({ db: database.db }),
  });
}

/**
 * Sets Telegram up in the background so start never waits on it: only a refused token keeps it off. Then it takes
 * updates by webhook (PUBLIC_URL) or by polling on the one elected instance, while the menus and the webhook
 * registration are retried with backoff until Telegram takes them.
 */
export function connectTelegram(
  telegram: TelegramAdapter,
  config: Config,
  core: Core,
  database: Database,
  log: Logger,
) {
  let polling: { release(): Promise<void> } | undefined;
  const publicUrl = config.publicUrl;
  const setup = setUpInBackground({
    name: 'telegram',
    log,
    clock: core.clock,
    essential: () => telegram.start(),
    refused: tokenRefused,
    begin: () => {
      if (!publicUrl) polling = holdLeadership(database, 'telegram-polling', log, () => telegram.startPolling());
    },
    steps: [
      { name: 'menus', run: () => telegram.setCommands(core.registry) },
      ...(publicUrl ? [{ name: 'webhook', run: () => telegram.setWebhook(`${publicUrl}/webhooks/telegram`) }] : []),
    ],
  });
  return {
    setup,
    async stop() {
      setup.stop();
      await telegram.stop();
      await polling?.release();
    },
  };
}
