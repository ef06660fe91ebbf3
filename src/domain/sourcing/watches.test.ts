import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchPricesJob } from '../../../jobs/watch-prices.job.ts';
import { startFakeAliexpress } from '../../../test/fakes/aliexpress.ts';
import { useTestDatabase } from '../../../test/helpers/database.ts';
import { plainText, type Reply } from '../../chat/reply.ts';
import { manualClock } from '../../clock.ts';
import { watchNotifier } from '../../commands/alerts.ts';
import type { AppError } from '../../errors.ts';
import { createLogger } from '../../logger.ts';
import { createSettings } from '../settings/index.ts';
import { createSupplierSource, type SupplierSource } from './aliexpress/source.ts';
import { createWatches, type Watches } from './watches.ts';

const database = useTestDatabase();
const log = createLogger({ level: 'silent', pretty: false });
const clock = manualClock('2026-11-23T09:00:00Z');
const chat = { platform: 'telegram', chatId: '500' };
const SIX_HOURS = 6 * 3_600_000;
let fake: Awaited<ReturnType<typeof startFakeAliexpress>>;
let source: SupplierSource;
let watches: Watches;

beforeAll(async () => {
  fake = await startFakeAliexpress({ pages: 1, perPage: 10 });
  source = createSupplierSource({
    baseUrl: fake.baseUrl,
    mtopUrl: fake.baseUrl,
    apiBase: fake.baseUrl,
    log,
    http: { pauseMs: 0, retries: 0 },
  });
  const settings = createSettings({
    db: database().db,
    clock,
    seed: { currency: 'USD', timeZone: 'UTC', language: 'en', region: 'US' },
  });
  watches = createWatches({ db: database().db, clock, source, settings, notify: watchNotifier(settings), log });
});
afterAll(async () => {
  await source.close();
  await fake.close();
});

/** The watch-prices job as the scheduler runs it, six hours after the last run. */
async function runJob() {
  clock.advance(SIX_HOURS);
  await watchPricesJob.run({ deps: { watches }, log, signal: new AbortController().signal, scheduledFor: clock.now() });
}

/** The alerts queued for the chat so far, as text with each link's address after its label. */
async function alerts(): Promise<string[]> {
  const rows = await database()
    .sql`select reply from outbox where platform = ${chat.platform} and chat_id = ${chat.chatId} order by id`;
  return rows.map((row) => {
    const message = row.reply as Reply;
    const links = message.blocks
      .flatMap((block) => (block.kind === 'text' ? block.spans : []))
      .flatMap((span) => (typeof span === 'object' && 'link' in span ? [span.url] : []));
    return [plainText(message), ...links].join('\n');
  });
}

describe('price watches (injected clock)', () => {
  it('alerts once on a drop below the target, and again only after the price went back over it', async () => {
    const id = '1005000000000001';
    fake.setProduct(id, { cents: 1500 });
    const watch = await watches.add({
      product: `https://es.aliexpress.com/item/${id}.html?spm=x`,
      ...chat,
      locale: 'es',
      currency: 'USD',
      belowMinor: 1000,
      createdBy: null,
    });
    expect(watch).toMatchObject({
      externalId: id,
      price: { minor: 1500, currency: 'USD' },
      belowMinor: 1000,
      changePercent: null,
    });

    await runJob();
    expect(await alerts()).toEqual([]);

    fake.setProduct(id, { cents: 899 });
    await runJob();
    await runJob();
    await runJob();
    const [alert, ...more] = await alerts();
    expect(more).toEqual([]);
    expect(alert).toContain(`Vigilancia #${watch.id}:`);
    expect(alert).toContain('⬇️ Bajó a $8.99 USD, por debajo de tu objetivo de $10.00 USD.');
    expect(alert).toContain(`https://www.aliexpress.com/item/${id}.html`);

    fake.setProduct(id, { cents: 1100 });
    await runJob();
    fake.setProduct(id, { cents: 950 });
    await runJob();
    expect(await alerts()).toHaveLength(2);
    const [row] = await database().sql`select last_checked_at from supplier_watches where id = ${watch.id}`;
    expect(new Date(row?.last_checked_at as string).toISOString()).toBe(clock.now().toISOString());
    const history = await database().sql`
      select h.price_minor from supplier_price_history h join supplier_products p on p.id = h.supplier_product_id where p.external_id = ${id} order by h.id`;
    expect(history.map((h) => Number(h.price_minor))).toEqual([1500, 899, 1100, 950]);
    await watches.remove(chat, watch.id);
  });

  it('alerts on a change past the threshold, measured from the price last reported', async () => {
    const id = '1005000000000002';
    fake.setProduct(id, { cents: 2000 });
    const before = (await alerts()).length;
    const watch = await watches.add({
      product: id,
      ...chat,
      locale: 'en',
      currency: 'USD',
      changePercent: 10,
      createdBy: null,
    });
    fake.setProduct(id, { cents: 2150 }); // +7.5%: under the threshold
    await runJob();
    fake.setProduct(id, { cents: 2210 }); // +10.5% from 20.00
    await runJob();
    await runJob();
    const news = (await alerts()).slice(before);
    expect(news).toHaveLength(1);
    expect(news[0]).toContain('📈 The price moved from $20.00 USD to $22.10 USD (+10.5%).');
    await watches.remove(chat, watch.id);
  });

  it('alerts on unavailability only when two checks in a row agree, once, and when it is back', async () => {
    const id = '1005000000000003';
    fake.setProduct(id, { cents: 500 });
    const before = (await alerts()).length;
    const watch = await watches.add({ product: id, ...chat, locale: 'es', currency: 'USD', createdBy: null });
    expect(watch.changePercent).toBe(10);
    fake.setProduct(id, { available: false });
    await runJob();
    fake.setProduct(id, { available: true });
    await runJob();
    expect((await alerts()).slice(before)).toEqual([]); // one miss between two sightings is a hiccup

    fake.setProduct(id, { available: false });
    await runJob();
    await runJob();
    await runJob();
    fake.setProduct(id, { available: true });
    await runJob();
    const news = (await alerts()).slice(before);
    expect(news).toHaveLength(2);
    expect(news[0]).toContain('🚫 Ya no está disponible (dos revisiones seguidas).');
    expect(news[1]).toContain('✅ Vuelve a estar disponible, a $5.00 USD.');
    await watches.remove(chat, watch.id);
  });

  it('does not count a blocked check as a change or as unavailability', async () => {
    const id = '1005000000000004';
    const before = (await alerts()).length;
    const watch = await watches.add({ product: id, ...chat, locale: 'es', currency: 'USD', createdBy: null });
    fake.setMode('block');
    try {
      await expect(runJob()).rejects.toThrow(/failed to load/);
      await expect(runJob()).rejects.toThrow(/failed to load/);
    } finally {
      fake.setMode('normal');
    }
    expect((await alerts()).slice(before)).toEqual([]);
    const [listed] = await watches.list(chat);
    expect(listed).toMatchObject({ id: watch.id, lastError: 'upstream_blocked' });
    await runJob();
    expect((await watches.list(chat))[0]?.lastError).toBeNull();
  });

  it('refuses what it cannot watch, changing nothing', async () => {
    const count = async () => Number((await database().sql`select count(*)::int as n from supplier_watches`)[0]?.n);
    const before = await count();
    const refusal = async (product: string) =>
      (await watches
        .add({ product, ...chat, locale: 'es', currency: 'USD', createdBy: null })
        .catch((e: unknown) => e)) as AppError;
    expect((await refusal('https://www.amazon.com/dp/B0001')).reason).toBe('watch.bad_product');
    expect((await refusal('1005999999999999')).reason).toBe('watch.gone');
    expect((await refusal('1005000000000004')).reason).toBe('watch.exists');
    await expect(watches.remove(chat, 999_999)).rejects.toMatchObject({ reason: 'watch.not_found' });
    await expect(
      watches.remove({ platform: 'telegram', chatId: 'other' }, (await watches.list(chat))[0]!.id),
    ).rejects.toMatchObject({ reason: 'watch.not_found' });
    expect(await count()).toBe(before);
  });
});
