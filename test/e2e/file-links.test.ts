import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Block } from '../../src/chat/reply.ts';
import { buildFor, reportReply } from '../../src/commands/reports.ts';
import { loadConfig } from '../../src/config.ts';
import { createCore } from '../../src/core.ts';
import { periodOf } from '../../src/domain/reports/index.ts';
import { filesRoutes } from '../../src/http/routes/files.ts';
import { translator } from '../../src/i18n/index.ts';
import { createLogger } from '../../src/logger.ts';
import { fileStore } from '../../src/wiring/reports.ts';
import { useTempDataDirs } from '../helpers/cli.ts';
import { useTestDatabase } from '../helpers/database.ts';
import { seedReportMonth } from '../helpers/report-month.ts';

const database = useTestDatabase();
const freshDataDir = useTempDataDirs();

describe('a report over the platform file limit', () => {
  it('goes as a signed link that downloads while valid and is refused expired, tampered or unknown', {
    timeout: 60_000,
  }, async () => {
    await seedReportMonth(database().sql);
    const config = loadConfig({
      DATABASE_URL: database().url,
      DATA_DIR: await freshDataDir(),
      PUBLIC_URL: 'http://127.0.0.1:9',
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      BODEGA_TIMEZONE: 'America/Mexico_City',
    });
    const core = createCore({ database: database(), config, log: createLogger({ level: 'silent', pretty: false }) });
    const shop = await core.services.settings.current();
    const period = periodOf(2026, 11, shop.timeZone);
    const report = await buildFor(core.services, period, 'es', shop);
    const message = await reportReply(core.services, report, period, translator('es', shop), 'discord', [], 1_000);
    expect(message.blocks.some((block) => block.kind === 'file')).toBe(false);
    const url = message.blocks
      .flatMap((block: Block) => (block.kind === 'text' ? block.spans : []))
      .flatMap((span) => (typeof span === 'object' && 'url' in span ? [span.url] : []))[0];
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:9\/files\/[\w-]+\.\d+\.[\w-]+$/);

    let now = new Date();
    const app = filesRoutes({ store: () => fileStore(config, database().db), now: () => now });
    const get = (path: string) => app.request(path);
    const token = new URL(url as string).pathname.replace('/files', '');
    const valid = await get(token);
    expect(valid.status).toBe(200);
    expect(valid.headers.get('content-disposition')).toContain('reporte-2026-11.xlsx');
    expect(Buffer.from(await valid.arrayBuffer()).equals(report.workbook)).toBe(true);

    const [id, expiry, mac] = token.slice(1).split('.');
    const flipped = `${mac?.slice(0, -1)}${mac?.endsWith('A') ? 'B' : 'A'}`;
    expect((await get(`/${id}.${expiry}.${flipped}`)).status).toBe(404);
    expect((await get(`/${id}.${Number(expiry) + 3600}.${mac}`)).status).toBe(404);
    expect((await get('/..%2F..%2Fetc%2Fpasswd')).status).toBe(404);
    expect((await get('/')).status).toBe(404);
    now = new Date(Date.now() + 8 * 24 * 3_600_000);
    expect((await get(token)).status).toBe(404);
    await core.close();
  });
});
