import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../test/helpers/database.ts';
import { plainText } from '../chat/reply.ts';
import { loadConfig } from '../config.ts';
import { type Core, createCore } from '../core.ts';
import { createLogger } from '../logger.ts';
import type { CommandInput } from './context.ts';
import { createCommandRateLimit } from './rate-limit.ts';

const database = useTestDatabase();
let core: Core;
let message = 0;

beforeAll(async () => {
  core = createCore({
    database: database(),
    config: loadConfig({ BODEGA_CURRENCY: 'MXN' }),
    log: createLogger({ level: 'silent', pretty: false }),
    rateLimit: createCommandRateLimit({ max: 10_000 }),
  });
  await core.services.people.ensureOwners(['telegram:100']);
  const owner = (await core.services.people.findByIdentity('telegram:100'))!;
  const viewer = await core.services.people.createInvite(owner, 'viewer');
  await core.services.people.redeem('telegram:200', viewer.code, 'Vera');
});

async function say(text: string, options: { as?: string; lang?: string; messageId?: string } = {}) {
  const identity = options.as ?? 'telegram:100';
  const input: CommandInput = {
    platform: 'telegram',
    identity,
    displayName: 'Test',
    text,
    slashRequired: true,
    languageCode: options.lang ?? 'es',
    chat: { platform: 'telegram', chatId: identity.split(':')[1] as string, kind: 'private' },
    messageId: options.messageId ?? `m${++message}`,
  };
  const handled = await core.router.handle(input);
  return { text: plainText(handled!.reply), error: Boolean(handled!.reply.error) };
}

async function levels(sku: string) {
  return core.services.inventory.stock.get(sku);
}

describe('stock commands', () => {
  it('adds a product and shows its stock in Spanish, then in English', async () => {
    expect((await say('/producto agregar taza-7 Taza de barro “negra” precio:199.90 stock:12 umbral:4')).text).toBe(
      '✅ Producto TAZA-7 agregado: Taza de barro negra, $199.90 MXN, stock 12.',
    );
    const spanish = await say('/inventario TAZA-7');
    expect(spanish.text).toContain('disponible: 12');
    const english = await say('/stock taza', { lang: 'en' });
    expect(english.text).toContain('sku | product | total | reserved | sold | available | threshold');
    expect(english.text).toContain('TAZA-7 | Taza de barro negra | 12 | 0 | 0 | 12 | 4');
  });

  it('applies a chat adjustment once even when the same message arrives twice', async () => {
    await say('/stock agregar TAZA-7 3 llegó el pedido', { messageId: 'dup-1' });
    await say('/stock agregar TAZA-7 3 llegó el pedido', { messageId: 'dup-1' });
    expect((await levels('TAZA-7'))?.total).toBe(15);
    const [row] = await database().db.execute(
      sql`select note, actor from stock_ledger where idempotency_key like '%:dup-1'`,
    );
    expect(row).toMatchObject({ note: 'llegó el pedido', actor: expect.stringMatching(/^user:\d+$/) });
  });

  it('warns instead of setting when the stock changed since the user saw it', async () => {
    await say('/stock TAZA-7');
    await core.services.inventory.reservations.reserve({ sku: 'TAZA-7', qty: 2, actor: 'web' });
    const warned = await say('/stock fijar TAZA-7 20');
    expect(warned.error).toBe(true);
    expect(warned.text).toContain(
      'Ojo: el stock de TAZA-7 cambió desde que lo viste (ahora: total 15, reservado 2, vendido 0, disponible 13)',
    );
    expect((await levels('TAZA-7'))?.total).toBe(15);
    expect((await say('/stock fijar TAZA-7 20 confirmar')).text).toContain('total 20');
  });

  it('answers bad input with the problem and the usage, changing nothing', async () => {
    const before = await levels('TAZA-7');
    const cases: Array<[line: string, expected: string, lang?: 'en']> = [
      ['/stock agregar TAZA-7 -5', 'La cantidad debe ser al menos 1.'],
      ['/stock agregar TAZA-7 99999999', 'La cantidad debe ser como máximo 1,000,000.'],
      ['/stock agregar TAZA-7 99999999999999999999', 'La cantidad debe ser como máximo 1,000,000.'],
      ['/stock agregar TAZA-7 dos', 'La cantidad debe ser un número (escribiste «dos»).'],
      ['/stock agregar NOEXISTE 1', 'No hay un producto con el SKU NOEXISTE. Mira /producto lista.'],
      ['/stock quitar TAZA-7 500', 'No hay stock suficiente: quedan 18 disponibles.'],
      ['/reservar TAZA-7 1000', 'No hay stock suficiente'],
      ['/producto agregar TAZA-7 Otra precio:10', 'Ya existe un producto con el SKU TAZA-7.'],
      [
        '/producto agregar X-1 Algo precio:10.999',
        'El precio debe ser un número con hasta 2 decimales, p. ej. 199.90 (escribiste «10.999»).',
      ],
      [
        '/producto agregar X-2 Algo',
        'Falta el precio.\nUso: /producto agregar <sku> <título…> precio:<precio> [moneda:<moneda>] [stock:<unidades>] [umbral:<umbral>]',
      ],
      ['/producto agregar X-3 Algo precio:10 moneda:XYZ', 'La moneda no es válida («XYZ»).'],
      ['/liberar abc', 'La reserva no es válida («abc»).\nUso: /liberar <reserva>'],
      ['/stock agregar', 'Falta el SKU.\nFalta la cantidad.\nUso: /stock agregar <sku> <cantidad> [nota…]'],
      ['/vigilar quitar abc', 'La vigilancia no es válida («abc»).'],
      ['/producto agregar X-4 Algo precio:-5', 'El precio no puede ser negativo.\nUso: /producto agregar'],
      ['/producto editar TAZA-7 precio:-12,50', 'El precio no puede ser negativo.'],
      ['/producto agregar X-4 Algo precio:-abc', 'El precio no es válido («-abc»).'],
      [
        '/producto agregar taña-1 Taza precio:10',
        'El SKU «taña-1» no es válido: usa de 1 a 64 letras de la A a la Z (sin Ñ ni acentos), números del 0 al 9, punto, guion, guion bajo o barra (. - _ /), empezando por letra o número.\nUso: /producto agregar <sku>',
      ],
      [
        '/stock add TAZA-7 2.5',
        'The quantity must be a whole number (you wrote "2.5").\nUsage: /stock add <sku> <qty>',
        'en',
      ],
      ['/stock count TAZA-7 -1', 'The quantity must be at least 0.', 'en'],
      ['/reserve TAZA-7', 'The quantity is missing.', 'en'],
      ['/stock add', 'The SKU is missing.', 'en'],
      ['/product add X-4 Thing price:-5', 'The price cannot be negative.\nUsage: /product add', 'en'],
      [
        '/stock add CAFÉ-1 2',
        'The SKU "CAFÉ-1" is not valid: use 1 to 64 letters A to Z (no Ñ or accents), digits 0 to 9, dot, dash, underscore or slash (. - _ /), starting with a letter or digit.',
        'en',
      ],
    ];
    for (const [line, expected, lang = 'es'] of cases) {
      const answer = await say(line, { lang });
      expect(answer.error, line).toBe(true);
      expect(answer.text, line).toContain(expected);
    }
    expect(await levels('TAZA-7')).toEqual(before);
    expect(await levels('X-1')).toBeUndefined();
    expect(await levels('X-4')).toBeUndefined();
    expect((await say('/producto ver TAZA-7')).text).toContain('$199.90');
  });

  it('lets a viewer look but not change', async () => {
    expect((await say('/stock TAZA-7', { as: 'telegram:200' })).text).toContain('TAZA-7');
    const refused = await say('/stock agregar TAZA-7 1', { as: 'telegram:200' });
    expect(refused.text).toBe('Tu rol no permite usar /stock agregar.');
    expect((await levels('TAZA-7'))?.total).toBe(20);
  });

  it('reserves, commits and releases from chat', async () => {
    const reserved = await say('/reservar TAZA-7 2 ttl:10');
    const id = reserved.text.match(/Reserva #(\d+)/)?.[1];
    expect(id).toBeDefined();
    expect((await say(`/confirmar #${id}`)).text).toBe(
      `✅ Reserva #${id} confirmada como venta (2 de TAZA-7). Cuando la envíes: /enviar ${id}`,
    );
    expect((await say(`/liberar ${id}`)).text).toBe(
      `La reserva #${id} ya se confirmó como venta; no se puede liberar.`,
    );
  });

  it('pages long listings with buttons that re-enter the listing', async () => {
    for (let i = 1; i <= 20; i++) {
      await core.services.inventory.products.add(
        { sku: `PAGE-${String(i).padStart(2, '0')}`, title: `Vaso ${i}`, priceMinor: 100, currency: 'MXN' },
        { actor: 't', key: `page:${i}` },
      );
    }
    const first = await core.router.handle({
      platform: 'telegram',
      identity: 'telegram:100',
      displayName: 'T',
      text: '/stock vaso',
      slashRequired: true,
      languageCode: 'es',
      chat: { platform: 'telegram', chatId: '100', kind: 'private' },
    });
    const page1 = plainText(first!.reply);
    expect(page1).toContain('Stock · página 1');
    expect(page1).toContain('PAGE-15');
    expect(page1).not.toContain('PAGE-16');
    const next = first!.reply.blocks.find((block) => block.kind === 'buttons');
    expect(next).toEqual({ kind: 'buttons', buttons: [{ label: 'Siguiente ▶', command: '/stock vaso pagina:2' }] });
    const second = await say('/stock vaso pagina:2');
    expect(second.text).toContain('PAGE-20');
    expect(second.text).not.toContain('PAGE-15');
    expect(second.text).toContain('[◀ Anterior]');
    expect(second.text).not.toContain('Siguiente');
  });

  it('queues one low-stock alert to each subscribed chat, in its language', async () => {
    await say('/avisos on stock', { as: 'telegram:200' });
    await say('/notify on stock', { lang: 'en' });
    await say('/idioma en');
    await say('/stock threshold TAZA-7 18'); // 16 available: below at once, one alert
    await say('/stock remove TAZA-7 1'); // still low: no second alert
    const rows = await database().db.execute(
      sql`select chat_id, reply from outbox where idempotency_key like 'low-stock:%' order by chat_id`,
    );
    expect(rows.map((row) => [row.chat_id, plainText(row.reply as never)])).toEqual([
      ['100', '⚠️ Low stock: TAZA-7 (Taza de barro negra) — 16 available (threshold 18).'],
      ['200', '⚠️ Stock bajo: TAZA-7 (Taza de barro negra) — quedan 16 disponibles (umbral 18).'],
    ]);
  });
});
