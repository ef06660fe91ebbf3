import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_APP_KEY, FAKE_APP_SECRET, startFakeAliexpress } from '../fakes/aliexpress.ts';
import { runBodega, useTempDataDirs } from '../helpers/cli.ts';
import { useTestDatabase } from '../helpers/database.ts';

const database = useTestDatabase();
const freshDataDir = useTempDataDirs();
let fake: Awaited<ReturnType<typeof startFakeAliexpress>>;
let env: Record<string, string>;

beforeAll(async () => {
  fake = await startFakeAliexpress({ pages: 1, perPage: 60 });
  env = {
    DATABASE_URL: database().url,
    ALIEXPRESS_BASE_URL: fake.baseUrl,
    BODEGA_CURRENCY: 'USD',
    LOG_LEVEL: 'warn',
    DATA_DIR: await freshDataDir(),
  };
});
afterAll(async () => {
  await fake.close();
});

async function count(table: string) {
  const [row] = await database().sql.unsafe(`select count(*)::int as n from ${table}`);
  return row?.n as number;
}

describe('/buscar through bodega run against AliExpress', () => {
  it('lists only matching items in price order, with a next-page button that works', async () => {
    const first = await runBodega(['run', '/buscar mouse max:30 sort:price'], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Trabajando en ello \(tarea #\d+\)/);
    expect(first.stdout).toContain('leí 1 de 1 página de resultados');
    const header = first.stdout.match(/Resultados para «mouse» · página 1 de (\d+) \((\d+) productos\)/);
    expect(header).not.toBeNull();
    const salePrices = [...first.stdout.matchAll(/\n\$(\d+\.\d{2}) USD/g)].map((m) => Number(m[1]));
    expect(salePrices).toHaveLength(8);
    expect(salePrices).toEqual([...salePrices].sort((a, b) => a - b));
    expect(salePrices.every((price) => price <= 30)).toBe(true);
    expect(first.stdout).toContain('https://www.aliexpress.com/item/');
    const next = first.stdout.match(/\[1\] Siguiente ▶ {2}\((\/buscar #\d+ pagina:2)\)/)?.[1];
    expect(next).toBeDefined();

    const second = await runBodega(['run', next as string], env);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('página 2 de');
    const page2 = [...second.stdout.matchAll(/\n\$(\d+\.\d{2}) USD/g)].map((m) => Number(m[1]));
    expect(page2[0]).toBeGreaterThanOrEqual(salePrices.at(-1) as number);
    expect(page2.every((price) => price <= 30)).toBe(true);
  });

  it('does not duplicate supplier products or their price history on a second identical search', async () => {
    const products = await count('supplier_products');
    const history = await count('supplier_price_history');
    expect(products).toBe(60);
    expect((await runBodega(['run', '/buscar mouse max:30 sort:price'], env)).code).toBe(0);
    expect(await count('supplier_products')).toBe(products);
    expect(await count('supplier_price_history')).toBe(history);
    const [search] = await database()
      .sql`select status, fetched, matched, finished_at from searches order by id desc limit 1`;
    expect(search).toMatchObject({ status: 'success', fetched: 60 });
    expect(search?.finished_at).not.toBeNull();
  });

  it('says plainly when AliExpress blocks us, in the user language, and invents nothing', async () => {
    fake.setMode('block');
    try {
      const blocked = await runBodega(['run', '/buscar lámpara'], env);
      expect(blocked.code).toBe(1);
      expect(blocked.stdout).toContain(
        'AliExpress está bloqueando nuestras consultas por ahora. No inventamos resultados',
      );
      expect(blocked.stdout).not.toContain('aliexpress.com/item/');
      const [search] = await database().sql`select status, error from searches order by id desc limit 1`;
      expect(search).toEqual({ status: 'failed', error: 'upstream_blocked' });
    } finally {
      fake.setMode('normal');
    }
  });

  it('has a saved filter report only the new items on its second run', async () => {
    expect((await runBodega(['run', '/filtro agregar baratos mouse max:5'], env)).stdout).toContain(
      '✅ Filtro «baratos» guardado',
    );
    const first = await runBodega(['run', '/filtro ejecutar baratos'], env);
    expect(first.code).toBe(0);
    const reported = Number(first.stdout.match(/Filtro «baratos» revisado: avisé de (\d+) productos nuevos\./)?.[1]);
    expect(reported).toBeGreaterThan(0);
    expect(first.stdout).toContain(`Filtro «baratos»: ${reported} productos nuevos`);
    const firstPrices = [...first.stdout.matchAll(/\n\$(\d+\.\d{2}) USD/g)].map((m) => Number(m[1]));
    expect(firstPrices).toHaveLength(reported);
    expect(firstPrices.every((price) => price <= 5)).toBe(true);

    fake.addNew(2, 199);
    const second = await runBodega(['run', '/filtro ejecutar baratos'], env);
    expect(second.stdout).toContain('Filtro «baratos»: 2 productos nuevos');
    expect(second.stdout).toContain('novedad 1');
    expect(second.stdout).toContain('novedad 2');
    expect(second.stdout).toContain('Filtro «baratos» revisado: avisé de 2 productos nuevos.');
    expect([...second.stdout.matchAll(/\n\$(\d+\.\d{2}) USD/g)]).toHaveLength(2);
  });

  it('holds a filter to its daily cap and keeps the rest for a later day', async () => {
    await runBodega(['run', '/filtro agregar tope mouse max:10'], env);
    await database().sql`update saved_filters set daily_cap = 3 where name = 'tope'`;
    const first = await runBodega(['run', '/filtro ejecutar tope'], env);
    expect(first.stdout).toContain('Filtro «tope»: 3 productos nuevos');
    expect(first.stdout).toMatch(
      /Filtro «tope» revisado: avisé de 3 productos nuevos\. \d+ más esperan al límite diario\./,
    );
    const second = await runBodega(['run', '/filtro ejecutar tope'], env);
    expect(second.stdout).toContain('Filtro «tope» revisado: avisé de 0 productos nuevos.');
    expect(second.stdout).not.toContain('Filtro «tope»: ');
    // The next day the cap resets and the next products (never the same ones) go out.
    await database().sql`update saved_filters set notified_day = notified_day - 1 where name = 'tope'`;
    const nextDay = await runBodega(['run', '/filtro ejecutar tope'], env);
    expect(nextDay.stdout).toContain('Filtro «tope»: 3 productos nuevos');
    const [seen] = await database()
      .sql`select count(*)::int as n, count(distinct supplier_product_id)::int as d from filter_seen f join saved_filters s on s.id = f.filter_id where s.name = 'tope'`;
    expect(seen).toEqual({ n: 6, d: 6 });
  });

  it('says that ship: could not apply where result pages do not tell delivery days', async () => {
    const shipped = await runBodega(['run', '/buscar mouse envio:10'], env);
    expect(shipped.code).toBe(0);
    expect(shipped.stdout).toContain(
      'AliExpress no dice los días de entrega de algunos de estos productos: envio:10 solo se aplicó donde los dice.',
    );
    expect((await runBodega(['run', '/buscar mouse'], env)).stdout).not.toContain('días de entrega');
  });

  it('uses the official affiliate API instead of the website when its key and secret are set', async () => {
    const pagesBefore = fake.requests.filter((request) => request.path.startsWith('/w/')).length;
    const callsBefore = fake.affiliateCalls.length;
    const api = await runBodega(['run', '/buscar teclado max:20 sort:price'], {
      ...env,
      ALIEXPRESS_APP_KEY: FAKE_APP_KEY,
      ALIEXPRESS_APP_SECRET: FAKE_APP_SECRET,
      ALIEXPRESS_API_BASE: fake.baseUrl,
    });
    expect(api.code).toBe(0);
    expect(api.stdout).toMatch(/Resultados para «teclado» · página 1 de \d+ \(\d+ productos\)/);
    const prices = [...api.stdout.matchAll(/\n\$(\d+\.\d{2}) USD/g)].map((m) => Number(m[1]));
    expect(prices.length).toBeGreaterThan(0);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
    expect(prices.every((price) => price <= 20)).toBe(true);
    expect(fake.requests.filter((request) => request.path.startsWith('/w/')).length).toBe(pagesBefore);
    expect(fake.affiliateCalls.slice(callsBefore).map((call) => call.method)).toEqual([
      'aliexpress.affiliate.product.query',
    ]);
  });

  it('explains bad search arguments with the usage line', async () => {
    const bad = await runBodega(['run', '/buscar mouse max:barato orden:caro'], env);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('precio no es válido');
    expect(bad.stdout).toContain('Uso: /buscar <palabras…>');
  });

  it('asks for prices in the shop currency, and says so when they still come in another one', async () => {
    // The shop's currency lives in the database (seeded once from BODEGA_CURRENCY); the owner changes it.
    expect((await runBodega(['run', '/ajustes moneda MXN'], env)).code).toBe(0);
    const before = fake.requests.length;
    const mxn = await runBodega(['run', '/buscar mouse max:200'], env);
    await runBodega(['run', '/ajustes moneda USD'], env);
    expect(mxn.code).toBe(0);
    const cookie = fake.requests.slice(before).find((request) => request.path.startsWith('/w/'))?.headers.cookie;
    expect(cookie).toContain('c_tp=MXN');
    expect(cookie).toContain('region=MX');
    expect(mxn.stdout).toContain('Los precios llegaron en USD; tus filtros están en MXN');
    expect(mxn.stdout).not.toContain('No encontré productos');
  });

  it('names the real cause in one Spanish line when AliExpress cannot be reached, and nothing else on stdout', async () => {
    const down = await runBodega(['run', '/buscar x'], { ...env, ALIEXPRESS_BASE_URL: 'http://aliexpress.invalid' });
    expect(down.code).toBe(1);
    const lines = down.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^Trabajando en ello \(tarea #\d+\)/);
    expect(lines[1]).toMatch(
      /^La tarea #\d+ falló: (No hay conexión a internet desde este servidor|No encontré la dirección de AliExpress)/,
    );
    expect(down.stderr).not.toMatch(/\n\s+at /);
  });
});
