import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue } from '../../src/chat/outbox/outbox.ts';
import { monthlyReportSender } from '../../src/commands/monthly-report.ts';
import { loadConfig } from '../../src/config.ts';
import { createCore } from '../../src/core.ts';
import { createLogger } from '../../src/logger.ts';
import { type FakeSmtp, startFakeSmtp } from '../fakes/smtp.ts';
import { runBodega, useTempDataDirs } from '../helpers/cli.ts';
import { useTestDatabase } from '../helpers/database.ts';
import { seedReportMonth } from '../helpers/report-month.ts';

const database = useTestDatabase();
const freshDataDir = useTempDataDirs();
let smtp: FakeSmtp;

beforeAll(async () => {
  smtp = await startFakeSmtp();
  await seedReportMonth(database().sql);
  await database().sql`insert into chat_subscriptions (platform, chat_id, topic, locale)
    values ('console', 'console', 'reports', 'en'), ('telegram', '555', 'reports', 'es')`;
});
afterAll(() => smtp.close());

const outboxFor = async (period: string) =>
  database().sql`select platform, chat_id, locale from outbox where idempotency_key like ${`report:${period}:%`}
    order by platform`;

describe('monthly-report', () => {
  it('run twice, and by two processes at once, sends November once: one email, one message per subscribed chat', {
    timeout: 180_000,
  }, async () => {
    const env = {
      DATABASE_URL: database().url,
      DATA_DIR: await freshDataDir(),
      BODEGA_TIMEZONE: 'America/Mexico_City',
      SMTP_URL: smtp.url,
      REPORT_EMAIL_TO: 'owner@example.com',
      LOG_LEVEL: 'warn',
    };
    const job = () => runBodega(['job', 'run', 'monthly-report'], env);
    const together = await Promise.all([job(), job()]);
    expect(together.map((run) => run.code)).toEqual([0, 0]);
    expect((await job()).code).toBe(0);
    await smtp.received(1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(smtp.messages.map((mail) => mail.subject)).toEqual(['Reporte de noviembre de 2026 — bodega']);
    expect(await outboxFor('2026-11')).toEqual([
      { platform: 'console', chat_id: 'console', locale: 'en' },
      { platform: 'telegram', chat_id: '555', locale: 'es' },
    ]);
    const [row] = await database()
      .sql`select status, emailed_to, chats from report_deliveries where period = '2026-11'`;
    expect(row).toEqual({ status: 'sent', emailed_to: 'owner@example.com', chats: 2 });
  });

  it('two senders racing for the same month: exactly one claims it', { timeout: 60_000 }, async () => {
    const config = loadConfig({ DATABASE_URL: database().url, BODEGA_TIMEZONE: 'America/Mexico_City' });
    const log = createLogger({ level: 'silent', pretty: false });
    const core = createCore({ database: database(), config, log });
    const sender = (instance: string) =>
      monthlyReportSender({
        services: core.services,
        enqueue: (target, reply, locale, key) => enqueue(database().db, target, reply, locale, key),
        instance,
      });
    const january = new Date('2027-01-01T14:00:00Z');
    const outcomes = await Promise.all([sender('a')(january), sender('b')(january), sender('c')(january)]);
    expect(outcomes.filter((outcome) => outcome.sent).map((outcome) => outcome.period)).toEqual(['2026-12']);
    expect((await outboxFor('2026-12')).length).toBe(2);
    await core.close();
  });
});
