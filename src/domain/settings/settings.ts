import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { shopSettings } from '../../../db/schema/settings.ts';
import { type Clock, isTimeZone } from '../../clock.ts';
import { AppError } from '../../errors.ts';
import { isCurrencyCode } from '../../money.ts';

/** The shop's settings, the same for every process. */
export interface ShopSettings {
  currency: string;
  timeZone: string;
  language: 'es' | 'en';
  region: string;
}

export type SettingName = keyof ShopSettings;

export interface Settings {
  /** The settings now; the first reader ever stores `seed`. */
  current(): Promise<ShopSettings>;
  /** Validates and stores one setting; throws invalid_input with a reason naming what is wrong. */
  change(name: SettingName, value: string, by: number | null): Promise<ShopSettings>;
  /** True only the first time it is asked: the owner's first linked chat gets alerts on by default once. */
  claimDefaultAlerts(): Promise<boolean>;
}

/** The country whose prices and shipping a currency suggests, when BODEGA_LOCALE names no region. */
const COUNTRY_OF: Record<string, string> = {
  MXN: 'MX',
  EUR: 'ES',
  CLP: 'CL',
  COP: 'CO',
  ARS: 'AR',
  PEN: 'PE',
  BRL: 'BR',
  GBP: 'GB',
  UYU: 'UY',
  GTQ: 'GT',
};
const LANGUAGE_REGION = { es: 'MX', en: 'US' } as const;

/** The first settings, from the environment: BODEGA_LOCALE's region, else the currency's country, else the language's. */
export function seedSettings(env: {
  currency: string;
  timezone: string;
  locale: 'es' | 'en';
  region?: string | undefined;
}): ShopSettings {
  return {
    currency: env.currency,
    timeZone: env.timezone,
    language: env.locale,
    region: env.region ?? COUNTRY_OF[env.currency] ?? LANGUAGE_REGION[env.locale],
  };
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });

/** An ISO 3166 two-letter country code the platform knows (MX, ES, US…). */
export function isRegionCode(code: string): boolean {
  return /^[A-Za-z]{2}$/.test(code) && regionNames.of(code.toUpperCase()) !== undefined;
}

function validated(name: SettingName, value: string): string {
  const trimmed = value.trim();
  switch (name) {
    case 'currency':
      if (isCurrencyCode(trimmed)) return trimmed.toUpperCase();
      throw new AppError('invalid_input', 'Not an ISO 4217 currency', { value: trimmed }, 'settings.bad_currency');
    case 'timeZone':
      if (isTimeZone(trimmed)) return new Intl.DateTimeFormat('en', { timeZone: trimmed }).resolvedOptions().timeZone;
      throw new AppError('invalid_input', 'Not an IANA time zone', { value: trimmed }, 'settings.bad_zone');
    case 'language':
      if (trimmed === 'es' || trimmed === 'en') return trimmed;
      throw new AppError('invalid_input', 'Not a language bodega speaks', { value: trimmed }, 'settings.bad_language');
    case 'region':
      if (isRegionCode(trimmed)) return trimmed.toUpperCase();
      throw new AppError('invalid_input', 'Not an ISO 3166 country', { value: trimmed }, 'settings.bad_region');
  }
}

function toSettings(row: typeof shopSettings.$inferSelect): ShopSettings {
  return { currency: row.currency, timeZone: row.timeZone, language: row.language, region: row.region };
}

/** The shop's settings in the database: one row, seeded once, read by every command so every process agrees. */
export function createSettings({ db, clock, seed }: { db: Db; clock: Clock; seed: ShopSettings }): Settings {
  async function current(): Promise<ShopSettings> {
    const [row] = await db.select().from(shopSettings).where(eq(shopSettings.id, 1));
    if (row) return toSettings(row);
    const [seeded] = await db
      .insert(shopSettings)
      .values({ id: 1, ...seed })
      .onConflictDoNothing()
      .returning();
    return seeded ? toSettings(seeded) : current();
  }

  return {
    current,
    async change(name, value, by) {
      const checked = validated(name, value);
      await current();
      const [row] = await db
        .update(shopSettings)
        .set({ [name]: checked, updatedAt: clock.now(), updatedBy: by })
        .where(eq(shopSettings.id, 1))
        .returning();
      return toSettings(row as typeof shopSettings.$inferSelect);
    },
    async claimDefaultAlerts() {
      await current();
      const claimed = await db
        .update(shopSettings)
        .set({ alertsDefaultedAt: clock.now() })
        .where(and(eq(shopSettings.id, 1), isNull(shopSettings.alertsDefaultedAt)))
        .returning({ id: shopSettings.id });
      return claimed.length > 0;
    },
  };
}
