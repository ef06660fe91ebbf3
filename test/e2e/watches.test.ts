import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAliexpress } from '../fakes/aliexpress.ts';
import { runBodega, useTempDataDirs } from '../helpers/cli.ts';
import { useTestDatabase } from '../helpers/database.ts';

const database = useTestDatabase();
const freshDataDir = useTempDataDirs();
let fake: Awaited<ReturnType<typeof startFakeAliexpress>>;
let env: Record<string, string>;
const id = '1005000000000005';

beforeAll(async () => {
  fake = await startFakeAliexpress({ pages: 1, perPage: 10 });
  env = {
    DATABASE_URL: database().url,
    ALIEXPRESS_BASE_URL: fake.baseUrl,
    ALIEXPRESS_MTOP_URL: fake.baseUrl,
    BODEGA_CURRENCY: 'USD',
    LOG_LEVEL: 'warn',
    DATA_DIR: await freshDataDir(),
  };
});
afterAll(async () => {
  await fake.close();
});

const occurrences = (haystack: string, needle: string) => haystack.split(needle).length - 1;

describe('/vigilar through bodega run and the watch-prices job', () => {
  it('watches a product by its link, alerts once on a drop below the target, and stops when removed', async () => {
    fake.setProduct(id, { cents: 1299 });
    const added = await runBodega(
      ['run', `/vigilar agregar https://es.aliexpress.com/item/${id}.html?spm=a2g0o below:10`],
      env,
    );
    expect(added.code).toBe(0);
    const watchId = added.stdout.match(/👀 Vigilancia #(\d+): «producto [^»]+», ahora a \$12\.99 USD\./)?.[1];
    expect(watchId).toBeDefined();
    expect(added.stdout).toContain('Avisaré aquí de: precio bajo $10.00 USD · si deja de estar disponible.');

    const listed = await runBodega(['run', '/vigilar lista'], env);
    expect(listed.stdout).toContain(`#${watchId}`);
    expect(listed.stdout).toContain('$12.99 USD');

    fake.setProduct(id, { cents: 850 });
    for (let run = 0; run < 2; run++) {
      const job = await runBodega(['job', 'run', 'watch-prices'], env);
      expect(job.code).toBe(0);
      expect(job.stdout).toContain('watch-prices: completada');
    }
    // The alert waits in the chat's outbox; the next console session delivers it, once.
    const next = await runBodega(['run', '/vigilar lista'], env);
    expect(occurrences(next.stdout, '⬇️ Bajó a $8.50 USD, por debajo de tu objetivo de $10.00 USD.')).toBe(1);
    expect(next.stdout).toContain('$8.50 USD');

    const removed = await runBodega(['run', `/vigilar quitar #${watchId}`], env);
    expect(removed.stdout).toContain(`Vigilancia #${watchId} quitada.`);
    expect((await runBodega(['run', '/vigilar lista'], env)).stdout).toContain('Este chat no vigila productos.');
  });

  it('refuses a link that is not an AliExpress product or a bad price at once, adding nothing', async () => {
    const notProduct = await runBodega(['run', '/vigilar agregar https://www.amazon.com/dp/B000123'], env);
    expect(notProduct.code).toBe(1);
    expect(notProduct.stdout).toContain('Eso no es un producto de AliExpress');
    expect(notProduct.stdout).not.toContain('Trabajando en ello');
    const badPrice = await runBodega(['run', `/vigilar agregar ${id} below:barato`], env);
    expect(badPrice.code).toBe(1);
    expect(badPrice.stdout).toContain('Uso: /vigilar agregar');
    const [row] = await database().sql`select count(*)::int as n from supplier_watches`;
    expect(row?.n).toBe(0);
  });
});
