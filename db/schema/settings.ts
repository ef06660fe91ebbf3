import { sql } from 'drizzle-orm';
import { bigint, check, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The shop's settings, one row shared by every process (`bodega start`, `bodega run`, every instance): seeded
 * from BODEGA_CURRENCY, BODEGA_TIMEZONE and BODEGA_LOCALE on first start, then changed by the owner (/settings).
 */
export const shopSettings = pgTable(
  'shop_settings',
  {
    id: integer('id').primaryKey().default(1),
    /** ISO 4217: new products, supplier prices and search bounds. */
    currency: text('currency').notNull(),
    /** IANA zone every time is shown in, and the shop's "today". */
    timeZone: text('time_zone').notNull(),
    /** The language of users who have not chosen one. */
    language: text('language', { enum: ['es', 'en'] }).notNull(),
    /** ISO 3166 country: number and date style, and where supplier prices and shipping are asked for. */
    region: text('region').notNull(),
    /** When the owner's first linked chat got alerts on by default; set once, so turning them off sticks. */
    alertsDefaultedAt: timestamp('alerts_defaulted_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    updatedBy: bigint('updated_by', { mode: 'number' }),
  },
  (table) => [
    check('shop_settings_one_row', sql`${table.id} = 1`),
    check('shop_settings_currency', sql`${table.currency} ~ '^[A-Z]{3}$'`),
    check('shop_settings_language', sql`${table.language} in ('es', 'en')`),
    check('shop_settings_region', sql`${table.region} ~ '^[A-Z]{2}$'`),
  ],
);
