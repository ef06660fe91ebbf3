import type { HeldMessages } from '../chat/outbox/outbox.ts';
import type { Subscriptions } from '../chat/subscriptions.ts';
import type { ChatRef } from '../chat/target.ts';
import type { Tasks } from '../chat/tasks.ts';
import type { Clock } from '../clock.ts';
import type { ApiKeys } from '../domain/apikeys/index.ts';
import type { Inventory } from '../domain/inventory/index.ts';
import type { People, User } from '../domain/people/index.ts';
import type { Reports } from '../domain/reports/index.ts';
import type { Settings, ShopSettings } from '../domain/settings/index.ts';
import type { Shops } from '../domain/shops/index.ts';
import type { SavedFilters, SupplierSearch, Watches } from '../domain/sourcing/index.ts';
import type { Locale, Translate } from '../i18n/index.ts';
import type { Logger } from '../logger.ts';
import type { Registry } from './registry.ts';

/** The services commands call; main.ts builds it, tests build their own. */
export interface Services {
  people: People;
  tasks: Tasks;
  subscriptions: Subscriptions;
  inventory: Inventory;
  /** The shop's currency, time zone, language and region, shared by every process (/settings). */
  settings: Settings;
  search: SupplierSearch;
  filters: SavedFilters;
  watches: Watches;
  /** Storefront API keys, listed and revoked by owners from chat. */
  apiKeys: ApiKeys;
  /** Marketplace shops (Etsy): connect, sync, push stock back. */
  shops: Shops;
  /** Monthly reports: build, mail, share by link. */
  reports: Reports;
  /** Messages a platform will not take yet (WhatsApp's 24-hour window), for owners to see in /avisos. */
  outbox: { held(): Promise<HeldMessages[]> };
}

/** One message arriving from any platform, already stripped of platform details. */
export interface CommandInput {
  platform: string;
  /** `telegram:<id>`, `discord:<id>`, `whatsapp:<phone>`, `console:owner`. */
  identity: string;
  chat: ChatRef;
  displayName: string;
  /** The platform's language code for this user (`es-MX`, `en`), when it sends one. */
  languageCode?: string | undefined;
  /** Platform message or update id: the idempotency key for changes made by this command. */
  messageId?: string | undefined;
  text: string;
  /** Platforms with a command menu need the leading slash; WhatsApp and the console do not. */
  slashRequired: boolean;
  botUsername?: string | undefined;
}

export interface CommandContext {
  input: CommandInput;
  /** Undefined only for commands open to anyone (/start, /help) run by an unlinked identity. */
  user: User | undefined;
  locale: Locale;
  /** Speaks the user's language and formats numbers, money and times by the shop's conventions. */
  t: Translate;
  /** The shop's settings as this command started. */
  shop: ShopSettings;
  services: Services;
  registry: Registry;
  clock: Clock;
  log: Logger;
}

/** The linked user; commands whose minimum role is above `anyone` always have one. */
export function requireUser(ctx: CommandContext): User {
  if (!ctx.user) throw new Error('command ran without a linked user');
  return ctx.user;
}
