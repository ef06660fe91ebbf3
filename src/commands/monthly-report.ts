import type { Reply } from '../chat/reply.ts';
import type { ChatTarget } from '../chat/target.ts';
import { type BuiltReport, lastMonth } from '../domain/reports/index.ts';
import { type Locale, translator } from '../i18n/index.ts';
import type { Services } from './context.ts';
import { buildFor, emailReport, reportReply } from './reports.ts';

/** How long one sender holds a month before another may take over (a crash mid-way). */
const LEASE_MS = 30 * 60_000;

export interface MonthlyOutcome {
  period: string;
  /** False when the month was sent already, or another instance is sending it right now. */
  sent: boolean;
  emailedTo: string[];
  chats: number;
}

/**
 * Sends last month's report once: to REPORT_EMAIL_TO (in Spanish) and to every chat subscribed to reports, each in
 * its language. The month's row in report_deliveries is the guard: claimed by one sender, the email marked once it
 * went, each chat's message queued under a key of its own (a retry after a crash re-queues nothing).
 */
export function monthlyReportSender(deps: {
  services: Services;
  enqueue(target: ChatTarget, reply: Reply, locale: Locale, key: string): Promise<unknown>;
  instance: string;
}) {
  const { services } = deps;
  return async (now: Date): Promise<MonthlyOutcome> => {
    const shop = await services.settings.current();
    const period = lastMonth(now, shop.timeZone);
    const claim = await services.reports.claimMonth(period.key, deps.instance, LEASE_MS);
    if (!claim) return { period: period.key, sent: false, emailedTo: [], chats: 0 };
    const built = new Map<Locale, BuiltReport>();
    const inLocale = async (locale: Locale) => {
      const found = built.get(locale) ?? (await buildFor(services, period, locale, shop));
      built.set(locale, found);
      return found;
    };
    let emailedTo: string[] = [];
    if (!claim.emailed && services.reports.mailTo.length > 0) {
      emailedTo = await emailReport(services, await inLocale('es'), period, shop);
      await services.reports.markEmailed(period.key, emailedTo);
    }
    const chats = await services.subscriptions.subscribers('reports');
    for (const chat of chats) {
      const t = translator(chat.locale, shop);
      const message = await reportReply(services, await inLocale(chat.locale), period, t, chat.platform, []);
      await deps.enqueue(chat, message, chat.locale, `report:${period.key}:${chat.platform}:${chat.chatId}`);
    }
    await services.reports.markSent(period.key, chats.length);
    return { period: period.key, sent: true, emailedTo, chats: chats.length };
  };
}
