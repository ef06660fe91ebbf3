import { parseSearchPage } from '../src/domain/sourcing/aliexpress/parse.ts';
import { createSupplierSearch, createSupplierSource } from '../src/domain/sourcing/index.ts';
import { createLogger } from '../src/logger.ts';
import { catalogue, pageHtml, startFakeAliexpress } from '../test/fakes/aliexpress.ts';
import { benchDatabase } from './database.ts';
import { type Bench, round, summarise } from './figures.ts';

const PARSES = 300;
const SEARCHES = 20;

/** Items parsed per second from a 60-item page; one search end to end against the fake (fetch, parse, store, filter). */
export const sourcingBench: Bench = {
  name: 'sourcing',
  async run() {
    const html = pageHtml(catalogue('mouse', 60, 'es'));
    for (let i = 0; i < 20; i++) parseSearchPage(html);
    const parseStarted = performance.now();
    for (let i = 0; i < PARSES; i++) parseSearchPage(html);
    const parseSeconds = (performance.now() - parseStarted) / 1000;

    const fake = await startFakeAliexpress({ pages: 1, perPage: 60 });
    const database = await benchDatabase(10);
    const source = createSupplierSource({
      baseUrl: fake.baseUrl,
      mtopUrl: fake.baseUrl,
      apiBase: fake.baseUrl,
      log: createLogger({ level: 'silent', pretty: false }),
      http: { pauseMs: 0 },
    });
    const search = createSupplierSearch({ db: database.db, source });
    const latencies: number[] = [];
    for (let i = 0; i < SEARCHES; i++) {
      const began = performance.now();
      await search.run({
        words: 'mouse',
        criteria: { currency: 'USD', maxMinor: 3000, sort: 'price' },
        locale: 'es',
        shipTo: 'US',
        requestedBy: null,
      });
      latencies.push(performance.now() - began);
    }
    await source.close();
    await fake.close();
    await database.dispose();
    return [
      {
        bench: 'aliexpress_items_parsed_per_second',
        value: round((PARSES * 60) / parseSeconds, 0),
        unit: 'items/s',
        page_items: 60,
        page_bytes: html.length,
      },
      {
        bench: 'search_end_to_end_ms',
        value: summarise(latencies).p50,
        unit: 'ms',
        latency_ms: summarise(latencies),
        items_per_search: 60,
        note: 'fetch from the fake, parse, store, filter and order; no politeness pause',
      },
    ];
  },
};
