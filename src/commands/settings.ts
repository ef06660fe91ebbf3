import { z } from 'zod';
import { bold, fields, reply, text } from '../chat/reply.ts';
import type { SettingName, ShopSettings } from '../domain/settings/index.ts';
import { type Translate, translator } from '../i18n/index.ts';
import { type CommandContext, requireUser } from './context.ts';
import { languageChoice } from './people.ts';
import { arg, defineCommand, type Localized, subcommand } from './registry.ts';

/** The shop's settings as a reader sees them: code and name, and the time now in the shop's zone. */
function settingsFields(shop: ShopSettings, t: Translate, now: Date) {
  const currencyName = new Intl.DisplayNames([t.locale], { type: 'currency' }).of(shop.currency) ?? shop.currency;
  const regionName = new Intl.DisplayNames([t.locale], { type: 'region' }).of(shop.region) ?? shop.region;
  return fields([
    [t('settings.currency'), `${shop.currency} (${currencyName})`],
    [t('settings.zone'), `${shop.timeZone} (${t('settings.now', { time: t.time(now) })})`],
    [t('settings.language'), t(`settings.language.${shop.language}`)],
    [t('settings.region'), `${shop.region} (${regionName}; ${t('settings.example', { number: t.number(1234.5) })})`],
  ]);
}

function show(ctx: CommandContext, shop: ShopSettings, t: Translate) {
  return reply(text(bold(t('settings.title'))), settingsFields(shop, t, ctx.clock.now()), text(t('settings.how')));
}

/** One `/settings <name> <value>` subcommand: stores the value and answers with the settings as they are now. */
function change(
  setting: SettingName,
  names: { name: string; aliases: { es: string[]; en: string[] } },
  value: { schema: z.ZodType<string>; name: Localized & { form?: 'f' }; description: Localized },
  description: Localized,
) {
  return subcommand({
    ...names,
    description,
    minRole: 'owner',
    args: { value: arg.positional(value.schema, value.name, value.description) },
    async run(ctx, args) {
      const shop = await ctx.services.settings.change(setting, String(args.value), requireUser(ctx).id);
      // The answer already follows the new conventions (zone, region, and the language for users without one).
      const t = translator(ctx.user?.locale ?? shop.language, shop);
      return reply(text('✅ ', t('settings.changed')), settingsFields(shop, t, ctx.clock.now()));
    },
  });
}

export const settingsCommand = defineCommand({
  name: 'settings',
  aliases: { es: 'ajustes' },
  description: {
    es: 'Moneda, zona horaria, idioma y región de la tienda',
    en: "The shop's currency, time zone, language and region",
  },
  minRole: 'owner',
  async run(ctx) {
    return show(ctx, ctx.shop, ctx.t);
  },
  subcommands: [
    change(
      'currency',
      { name: 'currency', aliases: { es: ['moneda'], en: [] } },
      {
        schema: z.string().min(1).max(10),
        name: { es: 'moneda', en: 'currency', form: 'f' },
        description: { es: 'Código ISO 4217: MXN, USD, EUR, CLP…', en: 'ISO 4217 code: MXN, USD, EUR, CLP…' },
      },
      { es: 'La moneda de productos nuevos y búsquedas', en: 'The currency of new products and searches' },
    ),
    change(
      'timeZone',
      { name: 'zone', aliases: { es: ['zona'], en: ['timezone'] } },
      {
        schema: z.string().min(1).max(64),
        name: { es: 'zona', en: 'zone', form: 'f' },
        description: { es: 'Zona IANA: America/Mexico_City, Europe/Madrid…', en: 'IANA zone: America/Mexico_City…' },
      },
      { es: 'La zona horaria de todas las horas que ves', en: 'The time zone of every time you see' },
    ),
    change(
      'language',
      { name: 'lang', aliases: { es: ['idioma'], en: ['language'] } },
      {
        schema: languageChoice,
        name: { es: 'idioma', en: 'language' },
        description: { es: 'El idioma de quien no eligió uno', en: 'The language of people who chose none' },
      },
      { es: 'El idioma de la tienda', en: "The shop's language" },
    ),
    change(
      'region',
      { name: 'region', aliases: { es: ['región'], en: [] } },
      {
        schema: z.string().min(1).max(10),
        name: { es: 'región', en: 'region', form: 'f' },
        description: { es: 'País ISO 3166: MX, ES, CL, US…', en: 'ISO 3166 country: MX, ES, CL, US…' },
      },
      {
        es: 'El país: formato de números y destino de envío de los proveedores',
        en: 'The country: number style and where suppliers ship',
      },
    ),
  ],
});
