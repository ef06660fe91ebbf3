import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { translator } from '../i18n/index.ts';
import { bindArgs, closest, splitInvocation, tokenize, usageLine } from './parse.ts';
import { arg, choice, optionalChoice, PLAIN_DIGITS, QUANTITY_NAME, quantity } from './registry.ts';

const es = translator('es');
const en = translator('en');

const searchArgs = {
  words: arg.rest(
    z.string().min(1),
    { es: 'palabras', en: 'words', form: 'fp' },
    { es: 'qué buscar', en: 'what to find' },
  ),
  max: arg.key(
    z.coerce.number().positive().optional(),
    ['max'],
    { es: 'precio', en: 'price' },
    { es: 'máximo', en: 'maximum' },
  ),
  ship: arg.key(
    z.coerce.number().int().optional(),
    { es: ['envio', 's'], en: ['ship', 's'] },
    { es: 'días', en: 'days' },
    { es: 'envío', en: 'shipping' },
  ),
  cat: arg.key(
    z.string().optional(),
    ['cat'],
    { es: 'categoría', en: 'category' },
    { es: 'categoría', en: 'category' },
  ),
  sort: arg.key(
    optionalChoice({
      price: { es: 'precio', en: 'price' },
      orders: { es: 'pedidos', en: 'orders' },
      rating: { es: 'valoracion', en: 'rating' },
    }),
    { es: 'orden', en: 'sort' },
    { es: 'orden', en: 'order' },
    { es: 'orden', en: 'order' },
  ),
};

function words(line: string) {
  const tokens = tokenize(line, es);
  if (!tokens.ok) throw new Error(tokens.problems.join());
  return tokens.value;
}

describe('text grammar', () => {
  it('keeps quoted values together with straight, curly and angle quotes', () => {
    expect(words('a "b c" “d e” «f g» cat:"home decor"').map((t) => t.text)).toEqual([
      'a',
      'b c',
      'd e',
      'f g',
      'cat:home decor',
    ]);
    expect(tokenize('say "unfinished', es)).toEqual({ ok: false, problems: ['Falta cerrar unas comillas.'] });
  });

  it('reads real titles: an apostrophe inside a word, escaped quotes, inch marks', () => {
    expect(words("Jeans Levi's 501").map((t) => t.text)).toEqual(['Jeans', "Levi's", '501']);
    expect(words('"Funda \\"premium\\" piel" precio:10').map((t) => t.text)).toEqual([
      'Funda "premium" piel',
      'precio:10',
    ]);
    expect(words('Pantalla 5" táctil').map((t) => t.text)).toEqual(['Pantalla', '5"', 'táctil']);
    expect(words("'Levi's jeans' x").map((t) => t.text)).toEqual(["Levi's jeans", 'x']);
    expect(words('titulo:"Taza \\"grande\\""').map((t) => t.text)).toEqual(['titulo:Taza "grande"']);
  });

  it('finds the command word with an optional slash and an @botname suffix', () => {
    expect(splitInvocation('/Stock@bodega_bot A-1', { slashRequired: true, botUsername: 'bodega_bot' })).toEqual({
      word: 'Stock',
      rest: 'A-1',
      slashed: true,
    });
    expect(splitInvocation('/stock@other_bot', { slashRequired: true, botUsername: 'bodega_bot' })).toBeUndefined();
    expect(splitInvocation('stock A-1', { slashRequired: true })).toBeUndefined();
    expect(splitInvocation('stock A-1', { slashRequired: false })).toEqual({
      word: 'stock',
      rest: 'A-1',
      slashed: false,
    });
  });

  it('binds rest words, keys in either language and short aliases, case-insensitively', () => {
    const parsed = bindArgs(
      searchArgs,
      words('mouse inalámbrico MAX:30 Envío:7 orden:precio cat:"oficina y hogar"'),
      es,
    );
    expect(parsed).toEqual({
      ok: true,
      value: { words: 'mouse inalámbrico', max: 30, ship: 7, sort: 'price', cat: 'oficina y hogar' },
    });
    expect(bindArgs(searchArgs, words('cable s:3 sort:rating'), en)).toMatchObject({
      ok: true,
      value: { ship: 3, sort: 'rating' },
    });
  });

  it('treats a URL as a word, not as a key', () => {
    expect(bindArgs(searchArgs, words('https://www.aliexpress.com/item/1005.html'), en)).toMatchObject({
      ok: true,
      value: { words: 'https://www.aliexpress.com/item/1005.html' },
    });
  });

  it('explains each problem in the user language', () => {
    expect(bindArgs(searchArgs, words('max:barato sort:cheap color:red'), es)).toEqual({
      ok: false,
      problems: [
        'No conozco la opción color:.',
        'Faltan las palabras.',
        'El precio debe ser un número (escribiste «barato»).',
        'El orden debe ser precio, pedidos o valoracion.',
      ],
    });
    expect(bindArgs(searchArgs, words('x sort:cheap'), en)).toMatchObject({
      problems: ['The order must be price, orders, or rating.'],
    });
    const qty = { qty: arg.positional(quantity(), QUANTITY_NAME, { es: 'unidades', en: 'units' }) };
    expect(bindArgs(qty, words('2.5'), en)).toEqual({
      ok: false,
      problems: ['The quantity must be a whole number (you wrote "2.5").'],
    });
    expect(bindArgs(qty, words(''), en)).toEqual({ ok: false, problems: ['The quantity is missing.'] });
    expect(usageLine(['stock', 'add'], qty, 'en')).toBe('/stock add <qty>');
    expect(bindArgs(qty, words('2,5'), es)).toEqual({
      ok: false,
      problems: ['La cantidad debe ser un número entero (escribiste «2,5»).'],
    });
    expect(bindArgs(qty, words('dos'), es)).toEqual({
      ok: false,
      problems: ['La cantidad debe ser un número (escribiste «dos»).'],
    });
    expect(bindArgs(qty, words('0'), es)).toEqual({ ok: false, problems: ['La cantidad debe ser al menos 1.'] });
    expect(bindArgs(qty, words('99999999'), es)).toEqual({
      ok: false,
      problems: ['La cantidad debe ser como máximo 1,000,000.'],
    });
    expect(bindArgs(qty, words('3 4'), en)).toEqual({ ok: false, problems: ['This is left over: 4.'] });
    const year = {
      year: arg.positional(
        z.coerce.number().int().min(2000).max(2100).optional().meta(PLAIN_DIGITS),
        { es: 'año', en: 'year' },
        { es: 'el año', en: 'the year' },
      ),
    };
    expect(bindArgs(year, words('1800'), es)).toEqual({ ok: false, problems: ['El año debe ser al menos 2000.'] });
    expect(bindArgs(year, words('99999'), en)).toEqual({ ok: false, problems: ['The year must be at most 2100.'] });
  });

  it('takes a choice in either language, without accents or case, and names the choices in the user language', () => {
    const role = {
      role: arg.positional(
        choice({ staff: { es: 'personal', en: 'staff' }, owner: { es: ['dueño', 'dueno'], en: 'owner' } }),
        { es: 'rol', en: 'role' },
        { es: '', en: '' },
      ),
    };
    for (const word of ['dueño', 'DUENO', 'owner', 'Dueño'])
      expect(bindArgs(role, words(word), es), word).toEqual({ ok: true, value: { role: 'owner' } });
    expect(bindArgs(role, words('personal'), en)).toEqual({ ok: true, value: { role: 'staff' } });
    expect(bindArgs(role, words('jefe'), es)).toEqual({ ok: false, problems: ['El rol debe ser personal o dueño.'] });
    expect(usageLine(['rol'], role, 'es')).toBe('/rol <personal|dueño>');
    expect(usageLine(['role'], role, 'en')).toBe('/role <staff|owner>');
  });

  it('writes usage lines in each language', () => {
    const specs = {
      sku: arg.positional(z.string(), { es: 'sku', en: 'sku' }, { es: '', en: '' }),
      qty: arg.positional(quantity(), { es: 'cantidad', en: 'qty' }, { es: '', en: '' }),
      note: arg.rest(z.string().optional(), { es: 'nota', en: 'note' }, { es: '', en: '' }),
    };
    expect(usageLine(['stock', 'agregar'], specs, 'es')).toBe('/stock agregar <sku> <cantidad> [nota…]');
    expect(usageLine(['stock', 'add'], specs, 'en')).toBe('/stock add <sku> <qty> [note…]');
  });

  it('shows required keys as required, in the user words', () => {
    const specs = {
      price: arg.key(z.string(), { es: 'precio', en: 'price' }, { es: 'precio', en: 'price' }, { es: '', en: '' }),
      currency: arg.key(
        z.string().optional(),
        { es: 'moneda', en: 'currency' },
        { es: 'moneda', en: 'currency' },
        { es: '', en: '' },
      ),
      confirm: arg.flag({ es: 'confirmar', en: 'confirm' }, { es: 'confirmar', en: 'confirm' }, { es: '', en: '' }),
    };
    expect(usageLine(['producto', 'agregar'], specs, 'es')).toBe(
      '/producto agregar precio:<precio> [moneda:<moneda>] [confirmar]',
    );
    expect(usageLine(['product', 'add'], specs, 'en')).toBe(
      '/product add price:<price> [currency:<currency>] [confirm]',
    );
  });

  it('suggests the nearest command, counting a swapped pair as one typo', () => {
    const names = ['ayuda', 'help', 'stock', 'inventario', 'buscar', 'search'];
    expect(closest('ayda', names)).toBe('ayuda');
    expect(closest('hepl', names)).toBe('help');
    expect(closest('inventraio', names)).toBe('inventario');
    expect(closest('zzz', names)).toBeUndefined();
  });
});
