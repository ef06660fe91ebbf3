import { z } from 'zod';
import { type Block, file, image, link, type Reply, reply, text } from '../chat/reply.ts';
import { defineTask, type TaskDefinition } from '../chat/task-runner.ts';
import {
  type BuiltReport,
  type Kpis,
  monthNumber,
  type Period,
  periodOf,
  previousPeriod,
  type ReportWords,
  requestedPeriod,
} from '../domain/reports/index.ts';
import type { ShopSettings } from '../domain/settings/index.ts';
import { AppError } from '../errors.ts';
import { catalogues, type Locale, type MessageKey, type Translate, translator } from '../i18n/index.ts';
import { actorNames } from './actor-names.ts';
import type { Services } from './context.ts';
import { arg, defineCommand, PLAIN_DIGITS } from './registry.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The largest file each platform takes from a bot; bigger reports go as a signed link. */
export const FILE_LIMITS: Record<string, number> = {
  telegram: 50 * 1024 * 1024,
  discord: 10 * 1024 * 1024,
  whatsapp: 100 * 1024 * 1024,
};

export interface ReportInput {
  year: number;
  month: number;
  test: boolean;
  platform: string;
}

const monthArg = z
  .string()
  .max(20)
  .optional()
  .transform((value, ctx) => {
    if (value === undefined) return undefined;
    const month = monthNumber(value);
    if (month === undefined) {
      ctx.addIssue({ code: 'custom', message: `unknown month ${value}` });
      return z.NEVER;
    }
    return month;
  });

export const reportCommand = defineCommand({
  name: 'report',
  aliases: { es: 'reporte' },
  description: {
    es: 'El reporte del mes en Excel, con gráfico; por chat y por correo (prueba: solo a ti)',
    en: 'The month’s report in Excel, with a chart; by chat and email (test: only to you)',
  },
  minRole: 'admin',
  args: {
    month: arg.positional(
      monthArg,
      { es: 'mes', en: 'month' },
      { es: 'Nombre o número del mes; sin él, el mes pasado', en: 'Month name or number; last month when left out' },
    ),
    year: arg.positional(
      z.coerce.number().int().min(2000).max(2100).optional().meta(PLAIN_DIGITS),
      { es: 'año', en: 'year' },
      { es: 'El año (2026); sin él, el más reciente', en: 'The year (2026); the latest when left out' },
    ),
    test: arg.flag(
      { es: ['prueba', 'test'], en: ['test', 'prueba'] },
      { es: 'prueba', en: 'test', form: 'f' },
      { es: 'Solo a ti: ni correo ni otros chats', en: 'Only to you: no email, no other chats' },
    ),
  },
  async run(ctx, args) {
    const period = requestedPeriod(ctx.clock.now(), ctx.shop.timeZone, args.month, args.year);
    if (period.start > ctx.clock.now()) {
      const month = monthTitle(period, ctx.locale);
      throw new AppError('invalid_input', 'month not started', { month }, 'reports.future');
    }
    const input: ReportInput = {
      year: period.year,
      month: period.month,
      test: args.test,
      platform: ctx.input.chat.platform,
    };
    return { task: { kind: 'report', input } };
  },
});

/** "noviembre de 2026", "November 2026". */
export function monthTitle(period: Period, locale: Locale): string {
  return new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(Date.UTC(period.year, period.month - 1, 15)),
  );
}

/** The report's words from the catalogue: `reports.*`, ledger reasons and statuses as chat shows them. */
export function reportWords(t: Translate): ReportWords {
  const known = (key: string): key is MessageKey => key in catalogues.es;
  return (word, params) => {
    const key = word.startsWith('reason.') ? `ledger.${word}` : `reports.${word}`;
    return known(key) ? t(key, params) : (word.split('.').pop() ?? word);
  };
}

/** Builds one month's report in a language. */
export async function buildFor(
  services: Services,
  period: Period,
  locale: Locale,
  shop: ShopSettings,
  options: { progress?: (done: number, total: number) => Promise<void>; signal?: AbortSignal } = {},
): Promise<BuiltReport> {
  const t = translator(locale, shop);
  return services.reports.build({
    period,
    previous: previousPeriod(period),
    currency: shop.currency,
    words: reportWords(t),
    actorName: await actorNames(services, t),
    ...options,
  });
}

const total = (t: Translate, amounts: Kpis['revenue']) =>
  Object.keys(amounts).length === 0
    ? t('reports.no_sales')
    : Object.entries(amounts)
        .map(([currency, minor]) => t.money({ minor, currency }))
        .join(' + ');

/** Emails the report in Spanish, the shop's first language; answers who got it. */
export async function emailReport(services: Services, report: BuiltReport, period: Period, shop: ShopSettings) {
  const es = translator('es', shop);
  const month = monthTitle(period, 'es');
  return services.reports.mail({
    subject: es('reports.email_subject', { month }),
    text: es('reports.email_body', {
      month,
      revenue: total(es, report.current.revenue),
      orders: report.current.orders,
      units: report.current.units,
      low: report.current.lowStock,
    }),
    attachments: [{ filename: report.filename, contentType: XLSX, content: report.workbook }],
    messageId: `<report-${period.key}-${report.workbook.length}@bodega>`,
  });
}

/** The chat message of a report: totals, the chart, and the workbook as a file, or a link when it is too big. */
export async function reportReply(
  services: Services,
  report: BuiltReport,
  period: Period,
  t: Translate,
  platform: string,
  notes: string[],
  limit = FILE_LIMITS[platform] ?? Number.POSITIVE_INFINITY,
): Promise<Reply> {
  const month = monthTitle(period, t.locale);
  const { current } = report;
  const blocks: Block[] = [
    text(
      current.orders === 0
        ? t('reports.ready_empty', { month })
        : t('reports.ready', {
            month,
            revenue: total(t, current.revenue),
            orders: t('reports.orders', { count: current.orders }),
            units: t('reports.units', { count: current.units }),
          }),
    ),
    ...notes.map((note) => text(note)),
    image(`${period.key}.png`, 'image/png', report.chart, t('reports.chart_caption', { month })),
  ];
  if (report.workbook.length <= limit) {
    blocks.push(file(report.filename, XLSX, report.workbook, t('reports.caption', { month })));
    return reply(...blocks);
  }
  const size = `${(report.workbook.length / 1024 / 1024).toFixed(1)} MB`;
  const links = services.reports.links;
  if (!links) return reply(...blocks, text(t('reports.no_link', { size })));
  const shared = await links.share({ filename: report.filename, mime: XLSX, data: report.workbook });
  return reply(
    ...blocks,
    text(
      t('reports.link', { size, expires: t.dateTime(shared.expiresAt) }),
      '\n',
      link(t('reports.link_download'), shared.url),
    ),
  );
}

/** /report as a durable task: build, email (unless a test), and answer in the chat that asked. */
export function reportTask(services: Services): TaskDefinition {
  return defineTask<ReportInput>({
    kind: 'report',
    async run({ input, locale, signal, progress }) {
      const shop = await services.settings.current();
      const t = translator(locale, shop);
      const period = periodOf(input.year, input.month, shop.timeZone);
      const report = await buildFor(services, period, locale, shop, {
        signal,
        progress: (done, all) => progress(t('reports.progress', { done, total: all })),
      });
      const notes = input.test ? [t('reports.test_only')] : await mailNotes(services, report, period, shop, t);
      return reportReply(services, report, period, t, input.platform, notes);
    },
  });
}

async function mailNotes(services: Services, report: BuiltReport, period: Period, shop: ShopSettings, t: Translate) {
  if (services.reports.mailTo.length === 0) return [t('reports.no_mail')];
  try {
    const to = await emailReport(services, report, period, shop);
    return [t('reports.emailed', { to: t.list(to) })];
  } catch (error) {
    return [t('reports.email_failed', { error: error instanceof Error ? error.message : String(error) })];
  }
}
