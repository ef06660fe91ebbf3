import { join } from 'node:path';
import {
  createWhatsappAdapter,
  type WhatsappAdapter,
  type WhatsappStore,
  WINDOW_MS,
} from '../../bots/whatsapp/adapter.ts';
import { createCloudTransport } from '../../bots/whatsapp/cloud-transport.ts';
import { createCloudApi } from '../../bots/whatsapp/graph-api.ts';
import { createWebTransport, WebUnavailableError } from '../../bots/whatsapp/web.ts';
import { loadWebLibrary } from '../../bots/whatsapp/web-client.ts';
import { createCloudWebhook } from '../../bots/whatsapp/webhook.ts';
import type { Database } from '../../db/client.ts';
import { createButtonStore } from '../chat/buttons.ts';
import { applyStatus, recordSent } from '../chat/deliveries.ts';
import { recordUpdate } from '../chat/inbound.ts';
import { createNumberedMenus } from '../chat/numbered-menus.ts';
import { releaseHeld } from '../chat/outbox/outbox.ts';
import { closeWindow, openWindow, windowOpen } from '../chat/windows.ts';
import type { Clock } from '../clock.ts';
import type { Config, WhatsappConfig } from '../config.ts';
import type { Core } from '../core.ts';
import { holdLeadership } from '../leadership.ts';
import type { Logger } from '../logger.ts';
import { setUpInBackground } from '../platform-setup.ts';

export interface WhatsappWiring {
  adapter: WhatsappAdapter;
  /** Cloud mode's `GET|POST /webhooks/whatsapp`. */
  webhook: ReturnType<typeof createCloudWebhook> | undefined;
  /** Web mode: opens the linked session (on the elected instance only). */
  connect?: () => Promise<void>;
  /** Why web mode's session is not up, when it is not. */
  sessionReason?: () => string | undefined;
}

/** The WhatsApp store over the database: durable arrivals, the 24-hour window, held messages, statuses, menus. */
export function whatsappStore(database: Database, clock: Clock, wakeOutbox: () => void): WhatsappStore {
  const { db } = database;
  const chat = (phone: string) => ({ platform: 'whatsapp', chatId: phone });
  const menus = createNumberedMenus({ db });
  return {
    record: (update) => recordUpdate(db, update),
    async wrote(phone, at) {
      await openWindow(db, chat(phone), at);
      if ((await releaseHeld(db, chat(phone), clock.now())) > 0) wakeOutbox();
    },
    windowOpen: (phone) => windowOpen(db, chat(phone), clock.now(), WINDOW_MS),
    closeWindow: (phone) => closeWindow(db, chat(phone)),
    sent: (messageId, ref) => recordSent(db, 'whatsapp', messageId, ref),
    async status(report) {
      const changed = await applyStatus(db, { platform: 'whatsapp', ...report }, clock.now());
      if (changed && report.windowClosed) wakeOutbox();
    },
    buttons: createButtonStore({ db }),
    menus: {
      remember: (phone, commands) => menus.remember(chat(phone), commands),
      choice: (phone, n) => menus.choice(chat(phone), n),
    },
  };
}

/** The WhatsApp adapter for the configured mode, wired to the router and the database. */
export function whatsappAdapter(
  config: Config,
  core: Core,
  database: Database,
  log: Logger,
  wake: { inbound(): void; outbox(): void },
): WhatsappWiring {
  const settings = config.whatsapp as WhatsappConfig;
  const store = whatsappStore(database, core.clock, wake.outbox);
  const common = {
    router: core.router,
    store,
    log: log.child({ component: 'whatsapp' }),
    clock: core.clock,
    locale: config.locale,
    onRecorded: wake.inbound,
    alertTemplate: settings.alertTemplate,
  };
  if (settings.mode === 'cloud') {
    const api = createCloudApi({
      graphBase: settings.graphBase,
      phoneNumberId: settings.phoneNumberId as string,
      token: settings.cloudToken as string,
    });
    const adapter = createWhatsappAdapter({
      ...common,
      transport: createCloudTransport({ api, encode: store.buttons.encode }),
    });
    const webhook = createCloudWebhook({
      verifyToken: settings.verifyToken as string,
      appSecret: settings.appSecret as string,
      adapter,
      log: common.log,
    });
    return { adapter, webhook };
  }
  const dataPath = join(config.dataDir, 'whatsapp');
  let library: Awaited<ReturnType<typeof loadWebLibrary>> | undefined;
  const transport = createWebTransport({
    dataPath,
    chromiumPath: settings.chromiumPath,
    log: common.log,
    createClient: () => (library as NonNullable<typeof library>).createClient(),
    media: (mime, data, filename) => (library as NonNullable<typeof library>).media(mime, data, filename),
  });
  const adapter = createWhatsappAdapter({ ...common, transport });
  return {
    adapter,
    webhook: undefined,
    async connect() {
      library ??= await loadWebLibrary(dataPath, settings.chromiumPath as string);
      await transport.connect(adapter.accept);
    },
    sessionReason: () => transport.reason(),
  };
}

/**
 * Sets WhatsApp up in the background. Cloud mode needs nothing more (Meta calls the webhook). Web mode checks for a
 * browser and a linked phone first (missing either, WhatsApp stays down with one clear line and nothing else is
 * touched), then the one elected instance opens the session.
 */
export function connectWhatsapp(wiring: WhatsappWiring, core: Core, database: Database, log: Logger) {
  let leadership: { release(): Promise<void> } | undefined;
  const { connect } = wiring;
  const setup = setUpInBackground({
    name: 'whatsapp',
    log,
    clock: core.clock,
    essential: () => wiring.adapter.start(),
    refused: (error) => error instanceof WebUnavailableError,
    refusal: (error) => `whatsapp web cannot start: ${error instanceof Error ? error.message : String(error)}`,
    begin: () => {
      if (!connect) return;
      leadership = holdLeadership(database, 'whatsapp-web', log, () => {
        connect().catch((error) =>
          log.error(
            { reason: error instanceof Error ? error.message : String(error) },
            'whatsapp web session not opened',
          ),
        );
      });
    },
    steps: [],
  });
  return {
    setup: {
      ...setup,
      // Web mode: the session, not the setup, says whether messages can flow.
      state: () => (connect && setup.state() === 'ok' && wiring.adapter.state() !== 'ok' ? 'down' : setup.state()),
      reason: () =>
        setup.reason() ?? (connect && wiring.adapter.state() !== 'ok' ? wiring.sessionReason?.() : undefined),
    },
    async stop() {
      setup.stop();
      await wiring.adapter.stop();
      await leadership?.release();
    },
  };
}
