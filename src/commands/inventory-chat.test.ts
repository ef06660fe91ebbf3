import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createConversation } from '../../test/helpers/conversation.ts';
import { useTestDatabase } from '../../test/helpers/database.ts';

const database = useTestDatabase();
let talk: Awaited<ReturnType<typeof createConversation>>;
const say = (line: string, as?: { identity?: string; lang?: string }) => talk.say(line, as);
const levels = (sku: string) => talk.core.services.inventory.stock.get(sku);
const reservationIn = (text: string) => Number(text.match(/Reserva #(\d+)/)?.[1]);

beforeAll(async () => {
  talk = await createConversation(database());
});

describe('selling and shipping from chat', () => {
  it('counts 20 after selling 3 of 23: says it includes the unshipped sale, and its button ships them', async () => {
    await say('/producto agregar CAM-1 Camisa precio:150');
    await say('/stock agregar CAM-1 23');
    const id = reservationIn((await say('/reservar CAM-1 3')).text);
    await say(`/confirmar ${id}`);
    const counted = await say('/stock contar CAM-1 20');
    expect(counted.text).toContain('CAM-1: total 20, reservado 0, vendido 3, disponible 17.');
    expect(counted.text).toContain('Este total incluye vendidos sin enviar: 3.');
    expect(counted.buttons).toEqual([
      { label: 'Ya salieron: enviar los 3 vendidos y contar 20', command: '/stock contar CAM-1 20 enviados' },
    ]);
    const pressed = await say(counted.buttons[0]?.command ?? '');
    expect(pressed.text).toContain('CAM-1: total 20, reservado 0, vendido 0, disponible 20.');
    expect(pressed.text).toMatch(/Antes de contar marqué como enviadas las ventas V-\d+\./);
    expect(await levels('CAM-1')).toMatchObject({ total: 20, sold: 0, available: 20 });
    expect(await talk.core.services.inventory.verify()).toEqual([]);
  });

  it('ships a committed reservation once, refuses one not committed, and says when it already happened', async () => {
    const id = reservationIn((await say('/reservar CAM-1 2')).text);
    const early = await say(`/enviar ${id}`);
    expect([early.error, early.text]).toEqual([
      true,
      `La reserva #${id} no está confirmada: solo se envía una venta. Confírmala antes con /confirmar ${id}.`,
    ]);
    expect((await say(`/confirmar ${id}`)).text).toContain(`Cuando la envíes: /enviar ${id}`);
    expect((await say(`/confirmar ${id}`)).text).toBe(`La reserva #${id} ya estaba confirmada.`);
    expect((await say(`/enviar #${id}`)).text).toBe(
      `✅ Reserva #${id} enviada: 2 de CAM-1 salieron del total y de vendido.`,
    );
    expect((await say(`/enviar ${id}`)).text).toBe(`La reserva #${id} ya estaba enviada.`);
    expect((await say(`/ship ${id}`, { lang: 'en' })).text).toBe(`Reservation #${id} was already shipped.`);
    expect(await levels('CAM-1')).toMatchObject({ total: 18, sold: 0, available: 18 });
    const held = reservationIn((await say('/reservar CAM-1 1')).text);
    expect((await say(`/liberar ${held}`)).text).toBe(
      `✅ Reserva #${held} liberada; 1 de CAM-1 vuelve a estar disponible.`,
    );
    expect((await say(`/liberar ${held}`)).text).toBe(`La reserva #${held} ya estaba liberada.`);
  });

  it('lists live reservations soonest to expire first, and a page past the last shows the last', async () => {
    await say('/producto agregar RES-1 Vaso precio:20 stock:50');
    const later = reservationIn((await say('/reservar RES-1 1 ttl:90')).text);
    const sooner = reservationIn((await say('/reservar RES-1 2 ttl:5')).text);
    await talk.core.services.inventory.reservations.reserve({
      sku: 'RES-1',
      qty: 1,
      ttlSeconds: 3600,
      reference: 'pedido-77',
      actor: 'api:tienda web',
    });
    const listed = await say('/reservas');
    expect(listed.text.indexOf(`#${sooner}`)).toBeLessThan(listed.text.indexOf(`#${later}`));
    // Who made each one, by name; the reference is the storefront's order number, never the chat it came from.
    const row = (needle: string) => listed.text.split('\n').find((line) => line.includes(needle)) ?? '';
    expect(row(`#${sooner}`)).toMatch(/^#\d+ \| RES-1 \| 2 \| .+ \| Test \| $/);
    expect(row('pedido-77')).toMatch(/^#\d+ \| RES-1 \| 1 \| .+ \| API \(tienda web\) \| pedido-77$/);
    expect(listed.text).not.toContain('telegram:100');
    expect((await say('/reservations', { lang: 'en' })).text).toContain(
      'reservation | sku | qty | expires | who | reference',
    );
    const past = await say('/reservas pagina:9');
    expect(past.text).toContain('Esa página no existe: te muestro la última (1).');
    expect(past.text).toContain(`#${sooner}`);
  });
});

describe('counting when stock moved since it was seen', () => {
  it('offers "set anyway" in the user’s words, and the button sets exactly what it says', async () => {
    await say('/producto agregar FIJ-1 Plato precio:80 stock:10');
    await say('/stock FIJ-1');
    await talk.core.services.inventory.reservations.reserve({ sku: 'FIJ-1', qty: 2, actor: 'web' });
    const warned = await say('/stock fijar FIJ-1 30');
    expect(warned.error).toBe(true);
    expect(warned.buttons).toEqual([{ label: 'Fijar 30 de todos modos', command: '/stock fijar FIJ-1 30 confirmar' }]);
    expect((await levels('FIJ-1'))?.total).toBe(10);
    const pressed = await say(warned.buttons[0]?.command ?? '');
    expect([pressed.error, (await levels('FIJ-1'))?.total]).toEqual([false, 30]);
    await say('/stock FIJ-1');
    await talk.core.services.inventory.reservations.reserve({ sku: 'FIJ-1', qty: 1, actor: 'web' });
    const english = await say('/stock set FIJ-1 31', { lang: 'en' });
    expect(english.buttons).toEqual([{ label: 'Set 31 anyway', command: '/stock set FIJ-1 31 confirm' }]);
    // A count below what is held cannot be applied anyway, so no such button is offered: the refusal says why.
    const below = await say('/stock fijar FIJ-1 1');
    expect([below.error, below.buttons, below.text]).toEqual([
      true,
      [],
      'El stock no puede quedar por debajo de lo que ya está reservado o vendido (3).',
    ]);
  });

  it('setting or counting what the stock already is writes nothing and says it already was', async () => {
    await say('/producto agregar IGU-1 Jarra precio:50 stock:10');
    const counts = async () =>
      (
        await database().db.execute(
          sql`select l.id from stock_ledger l join products p on p.id = l.product_id
              where p.sku = 'IGU-1' and l.reason = 'count'`,
        )
      ).length;
    const set = await say('/stock fijar IGU-1 10');
    expect([set.error, set.text]).toEqual([
      false,
      'El stock de IGU-1 ya era 10: no cambié nada (reservado 0, vendido 0, disponible 10).',
    ]);
    expect((await say('/stock count IGU-1 10', { lang: 'en' })).text).toBe(
      'IGU-1 stock was already 10: I changed nothing (reserved 0, sold 0, available 10).',
    );
    // Stock moved since it was seen, but not its total: nothing to set anyway, so no warning either.
    await say('/stock IGU-1');
    await talk.core.services.inventory.reservations.reserve({ sku: 'IGU-1', qty: 2, actor: 'web' });
    expect((await say('/stock contar IGU-1 10')).text).toBe(
      'El stock de IGU-1 ya era 10: no cambié nada (reservado 2, vendido 0, disponible 8).',
    );
    expect(await counts()).toBe(0);
    expect((await say('/stock fijar IGU-1 12 confirmar')).text).toBe(
      '✅ IGU-1: total 12, reservado 2, vendido 0, disponible 10.',
    );
    expect(await counts()).toBe(1);
    expect(await talk.core.services.inventory.verify()).toEqual([]);
  });
});

describe('catalogue and history', () => {
  it('refuses a price of 0 unless the command says free', async () => {
    const zero = await say('/producto agregar GIFT-1 Regalo precio:0');
    expect([zero.error, zero.text]).toEqual([
      true,
      'Un precio de 0 parece un error. Si el producto es gratis, escribe precio:gratis.',
    ]);
    expect(await levels('GIFT-1')).toBeUndefined();
    expect((await say('/producto agregar GIFT-1 Regalo precio:gratis')).text).toContain('$0.00 MXN');
    expect((await say('/producto editar GIFT-1 precio:0,00')).error).toBe(true);
  });

  it('finds products without accents or case, with % taken literally', async () => {
    await say('/producto agregar LAMP-9 Lámpara colgante precio:300');
    await say('/producto agregar PCT-9 Camiseta 100% algodón precio:300');
    expect((await say('/stock lampara')).text).toContain('LAMP-9');
    const percent = await say('/stock 100%');
    expect(percent.text).toContain('PCT-9');
    expect(percent.text).not.toContain('LAMP-9');
  });

  it('lists products, archives one out of lists but keeps its history, and lists what is out of stock', async () => {
    await say('/producto agregar ARC-1 Taza vieja precio:50 stock:2 umbral:0');
    expect((await say('/producto lista')).text).toContain('ARC-1');
    await say('/stock quitar ARC-1 2 rota');
    expect((await say('/stock agotado')).text).toContain('ARC-1');
    expect((await say('/producto archivar ARC-1')).text).toBe(
      '✅ Producto ARC-1 archivado: ya no aparece en las listas ni en la API. Su historial se conserva (/historial ARC-1).',
    );
    expect((await say('/producto archivar ARC-1')).text).toBe('El producto ARC-1 ya estaba archivado.');
    expect((await say('/producto ver ARC-1')).text).toBe(
      'El producto ARC-1 está archivado: ya no se vende ni sale en las listas. Su historial sigue en /historial ARC-1.',
    );
    expect((await say('/producto ver NADA-1')).text).toContain('No hay un producto con el SKU NADA-1');
    expect((await say('/producto lista pagina:99')).text).not.toContain('ARC-1');
    expect((await say('/stock agotado')).text).not.toContain('ARC-1');
    const history = await say('/historial ARC-1');
    expect(history.text).toContain('Este producto está archivado.');
    expect(history.text).toMatch(/ajuste · rota .*−2/);
    expect(history.text).toMatch(/recibido .*\+2/);
  });

  it('writes the opening stock in the words of the person who added the product', async () => {
    await say('/producto agregar INI-1 Jarra precio:90 stock:3');
    expect((await say('/historial INI-1')).text).toContain('recibido · stock inicial');
  });

  it('takes "recibir" (and "receive") as adding units received', async () => {
    await say('/producto agregar REC-1 Jarra precio:90 stock:3');
    expect((await say('/stock recibir REC-1 5 pedido 12')).text).toContain('REC-1: total 8');
    expect((await say('/stock receive REC-1 2', { lang: 'en' })).text).toContain('REC-1: total 10');
    expect((await say('/historial REC-1')).text).toContain('recibido · pedido 12');
  });

  it('names the terminal owner in the reader’s language, in history, reservations and the team list', async () => {
    await say('/producto agregar TERM-1 Taza precio:90 stock:4');
    const terminal = await talk.core.services.people.ensureConsoleOwner();
    await talk.core.services.inventory.reservations.reserve({
      sku: 'TERM-1',
      qty: 1,
      actor: `user:${terminal.id}`,
      idempotencyKey: 'term-1',
    });
    expect((await say('/historial TERM-1')).text).toMatch(/\| consola \| reserva · #\d+ \|/);
    expect((await say('/reservas')).text).toMatch(/TERM-1 \| 1 \| .+ \| consola \| $/m);
    expect((await say('/usuarios')).text).toMatch(new RegExp(`#${terminal.id} \\| consola \\|`));
    expect((await say('/history TERM-1', { lang: 'en' })).text).toMatch(/\| console \| reservation · #\d+ \|/);
    expect((await say('/historial TERM-1')).text).not.toContain('Console');
  });

  it('pages the ledger newest first and attaches all of it as CSV when it is longer than a page', async () => {
    await say('/producto agregar HIS-1 Jarra precio:90');
    for (let i = 1; i <= 16; i++) await say(`/stock agregar HIS-1 1 lote ${i}`);
    const first = await say('/historial HIS-1');
    expect(first.text).toContain('Historial de HIS-1 — Jarra · página 1 de 2');
    expect(first.text).toContain('lote 16');
    expect(first.text).not.toContain('lote 1 ');
    // The owner came from BODEGA_OWNERS as telegram:100; once they wrote, bodega knows them by the name Telegram shows.
    expect(first.text).toContain('| Test | recibido · lote 16 |');
    expect(first.text).not.toContain('telegram:100');
    const csv = first.reply.blocks.find((block) => block.kind === 'file');
    expect(csv).toMatchObject({ filename: 'historial-HIS-1.csv', mime: 'text/csv' });
    const lines = Buffer.from(csv?.kind === 'file' ? csv.data : '', 'base64')
      .toString('utf8')
      .trim()
      .split('\r\n');
    expect(lines).toHaveLength(17);
    expect(lines[0]).toBe(
      'cuándo,quién,por qué,total,reservado,vendido,total después,reservado después,vendido después',
    );
  });
});

describe('API keys from chat', () => {
  it('lists keys for owners without ever showing one, and revokes one at once', async () => {
    const { key } = await talk.core.services.apiKeys.create('tienda web');
    const listed = await say('/apikeys');
    expect(listed.text).toContain('tienda web');
    expect(listed.text).toContain(`${key.slice(0, 8)}…`);
    expect(listed.text).not.toContain(key);
    expect((await say('/apikeys revocar tienda web')).text).toMatch(/^✅ Clave #\d+ \(tienda web\) revocada/);
    expect(await talk.core.services.apiKeys.verify(key)).toBeUndefined();
    expect((await say('/apikeys revocar tienda web')).text).toMatch(/ya estaba revocada/);
    const staff = await talk.core.services.people.createInvite(
      (await talk.core.services.people.findByIdentity('telegram:100'))!,
      'admin',
    );
    await talk.core.services.people.redeem('telegram:300', staff.code, 'Ana');
    expect((await say('/apikeys', { identity: 'telegram:300' })).text).toBe('Tu rol no permite usar /claves.');
  });
});
