import type { Db } from '../../../db/client.ts';
import type { Clock } from '../../clock.ts';
import { createDeliveries, type DeliveryClaim } from './deliveries.ts';
import type { Mailer, MailMessage } from './mail.ts';
import { type BuildOptions, type BuiltReport, buildReport } from './report.ts';
import { type ShopStats, shopStats } from './stats.ts';

/** Where an over-limit file goes: kept for a while and handed out by link. */
export interface FileLinks {
  /** Keeps the file and answers a link to it and when the link stops working. */
  share(file: { filename: string; mime: string; data: Buffer }): Promise<{ url: string; expiresAt: Date }>;
}

/** Reports as commands and jobs use them: build, mail, share by link, and record each month's sending once. */
export interface Reports {
  build(options: Omit<BuildOptions, 'db'>): Promise<BuiltReport>;
  /** Recipients of REPORT_EMAIL_TO; empty when mail is off. */
  mailTo: string[];
  mail(message: Omit<MailMessage, 'to'>): Promise<string[]>;
  /** Undefined when no PUBLIC_URL is set: an over-limit file cannot be linked. */
  links: FileLinks | undefined;
  claimMonth(period: string, by: string, leaseMs: number): Promise<DeliveryClaim | undefined>;
  markEmailed(period: string, to: string[]): Promise<void>;
  markSent(period: string, chats: number): Promise<void>;
  /** The /stats figures, in one round of queries. */
  stats(timeZone: string, currency: string): Promise<ShopStats>;
}

export function createReports(deps: {
  db: Db;
  clock: Clock;
  mailer?: Mailer | undefined;
  mailTo?: string[];
  links?: FileLinks | undefined;
}): Reports {
  const deliveries = createDeliveries({ db: deps.db });
  const mailTo = deps.mailer ? (deps.mailTo ?? []) : [];
  return {
    build: (options) => buildReport({ ...options, db: deps.db }),
    mailTo,
    async mail(message) {
      if (!deps.mailer || mailTo.length === 0) return [];
      await deps.mailer.send({ ...message, to: mailTo });
      return mailTo;
    },
    links: deps.links,
    claimMonth: (period, by, leaseMs) => deliveries.claim(period, by, deps.clock.now(), leaseMs),
    markEmailed: (period, to) => deliveries.emailed(period, to, deps.clock.now()),
    markSent: (period, chats) => deliveries.sent(period, chats, deps.clock.now()),
    stats: (timeZone, currency) => shopStats(deps.db, timeZone, currency, deps.clock.now()),
  };
}
