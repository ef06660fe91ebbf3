import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAliexpress } from '../../../test/fakes/aliexpress.ts';
import { useTestDatabase } from '../../../test/helpers/database.ts';
import { manualClock } from '../../clock.ts';
import { filterNotifier } from '../../commands/alerts.ts';
import { createLogger } from '../../logger.ts';
import { createSettings } from '../settings/index.ts';
import { createSupplierSource, type SupplierSource } from './aliexpress/source.ts';
import { createSavedFilters } from './saved-filters.ts';
import { createSupplierSearch } from './search.ts';

const database = useTestDatabase();
const log = createLogger({ level: 'silent', pretty: false });
let fake: Awaited<ReturnType<typeof startFakeAliexpress>>;
let source: SupplierSource;

beforeAll(async () => {
  fake = await startFakeAliexpress({ pages: 1, perPage: 60 });
  source = createSupplierSource({
    baseUrl: fake.baseUrl,
    mtopUrl: fake.baseUrl,
    apiBase: fake.baseUrl,
    log,
    http: { pauseMs: 0 },
  });
});
afterAll(async () => {
  await source.close();
  await fake.close();
});

describe('saved filter daily cap', () => {
  it('counts the shop’s days (BODEGA_TIMEZONE), not UTC days', async () => {
    // 23:30 on 23 November in Mexico City is already 24 November in UTC.
    const clock = manualClock('2026-11-24T05:30:00Z');
    const search = createSupplierSearch({ db: database().db, source });
    const settings = createSettings({
      db: database().db,
      clock,
      seed: { currency: 'USD', timeZone: 'America/Mexico_City', language: 'es', region: 'MX' },
    });
    const filters = createSavedFilters({
      db: database().db,
      clock,
      search,
      settings,
      notify: filterNotifier(settings),
    });
    const filter = await filters.add({
      name: 'cap',
      platform: 'telegram',
      chatId: '77',
      locale: 'es',
      words: 'mouse',
      criteria: { currency: 'USD', maxMinor: 1000 },
      createdBy: null,
      dailyCap: 3,
    });
    expect(await filters.run(filter)).toMatchObject({ reported: 3 });
    clock.advance(20 * 60_000); // 23:50 in Mexico City: the same day
    expect(await filters.run(filter)).toMatchObject({ reported: 0 });
    clock.advance(20 * 60_000); // 00:10 on 24 November in Mexico City: a new day
    expect(await filters.run(filter)).toMatchObject({ reported: 3 });
    const [row] = await database()
      .sql`select notified_day::text as day, notified_today from saved_filters where id = ${filter.id}`;
    expect(row).toEqual({ day: '2026-11-24', notified_today: 3 });
  });
});
