export { renderChart } from './chart.ts';
export { createDeliveries, type Deliveries } from './deliveries.ts';
export { createMailer, type Mailer, type MailMessage } from './mail.ts';
export { lastMonth, monthNumber, type Period, periodOf, previousPeriod, requestedPeriod } from './period.ts';
export type { Amounts, Kpis } from './queries.ts';
export { type BuildOptions, type BuiltReport, buildReport } from './report.ts';
export { createReports, type FileLinks, type Reports } from './service.ts';
export type { ReportWord, ReportWords } from './sheets.ts';
export { type ShopStats, shopStats } from './stats.ts';
