import { defineJob } from './scheduler.ts';

/** What the job is handed: the sender that records each month's report as sent once (src/commands/monthly-report.ts). */
export interface MonthlyReportDeps {
  sendMonthlyReport(now: Date): Promise<{ period: string; sent: boolean }>;
}

/** Day 1 at 08:00 in BODEGA_TIMEZONE: last month's report, once per month however often or wherever this runs. */
export const monthlyReportJob = defineJob<MonthlyReportDeps>({
  name: 'monthly-report',
  schedule: '0 8 1 * *',
  async run({ deps, log, scheduledFor }) {
    const outcome = await deps.sendMonthlyReport(scheduledFor);
    log.info(outcome, outcome.sent ? 'monthly report sent' : 'monthly report already sent or being sent');
  },
});
