import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { translator } from '../i18n/index.ts';
import { bindArgs, closest, splitInvocation, tokenize, usageLine } from './parse.ts';
import { arg, quantity } from './registry.ts';

const es = translator('es');
const en = translator('en');

const searchArgs = {
  words: arg.rest(z.string().min(1), { es: 'palabras', en: 'words' }, { es: 'qué buscar', en: 'what to find' }),
  max: arg.key(
    z.coerce.number().positive().optional(),
    ['max'],
    { es: 'precio', en: 'price' },
    { es: 'máximo', en: 'maximum' },
  ),
  ship: arg.key(
    z.coerce.number().int().optional(),
    ['ship', 'envio', 's'],
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
    z.enum(['price', 'orders', 'rating']).optional(),
    ['sort', 'orden'],
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
    expect(tokenize('say "unfinished', es)).toEqual({ ok: false, problems: ['falta cerrar unas comillas'] });
  });

  it('finds the command word with an optional slash and an @botname suffix', () => {
    expect(splitInvocation('/Stock@bodega_bot A-1', { slashRequired: true, botUsername: 'bodega_bot' })).toEqual({
      word: 'Stock',
      rest: 'A-1',
    });
    expect(splitInvocation('/stock@other_bot', { slashRequired: true, botUsername: 'bodega_bot' })).toBeUndefined();
    expect(splitInvocation('stock A-1', { slashRequired: true })).toBeUndefined();
    expect(splitInvocation('stock A-1', { slashRequired: false })).toEqual({ word: 'stock', rest: 'A-1' });
  });

  it('binds rest words, keys in either language and short aliases, case-insensitively', () => {
    const parsed = bindArgs(
      searchArgs,
      words('mouse inalámbrico MAX:30 Envio:7 orden:price cat:"oficina y hogar"'),
      'es',
      es,
    );
    expect(parsed).toEqual({
      ok: true,
      value: { words: 'mouse inalámbrico', max: 30, ship: 7, sort: 'price', cat: 'oficina y hogar' },
    });
    expect(bindArgs(searchArgs, words('cable s:3'), 'en', en)).toMatchObject({ ok: true, value: { ship: 3 } });
  });

  it('treats a URL as a word, not as a key', () => {
    expect(bindArgs(searchArgs, words('https://www.aliexpress.com/item/1005.html'), 'en', en)).toMatchObject({
      ok: true,
      value: { words: 'https://www.aliexpress.com/item/1005.html' },
    });
  });

  it('explains each problem in the user language', () => {
    expect(bindArgs(searchArgs, words('max:barato sort:cheap color:red'), 'es', es)).toEqual({
      ok: false,
      problems: [
        'no conozco la opción color:',
        'falta palabras',
        'precio debe ser un número (recibí "barato")',
        'orden debe ser uno de: price, orders, rating',
      ],
    });
    const qty = { qty: arg.positional(quantity(), { es: 'cantidad', en: 'qty' }, { es: 'unidades', en: 'units' }) };
    expect(bindArgs(qty, words('2.5'), 'en', en)).toEqual({
      ok: false,
      problems: ['qty must be a whole number (got "2.5")'],
    });
    expect(bindArgs(qty, words('0'), 'es', es)).toEqual({ ok: false, problems: ['cantidad debe ser al menos 1'] });
    expect(bindArgs(qty, words('99999999'), 'es', es)).toEqual({
      ok: false,
      problems: ['cantidad debe ser como máximo 1000000'],
    });
    expect(bindArgs(qty, words('3 4'), 'en', en)).toEqual({ ok: false, problems: ['unexpected: 4'] });
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

  it('suggests the nearest command, counting a swapped pair as one typo', () => {
    const names = ['ayuda', 'help', 'stock', 'inventario', 'buscar', 'search'];
    expect(closest('ayda', names)).toBe('ayuda');
    expect(closest('hepl', names)).toBe('help');
    expect(closest('inventraio', names)).toBe('inventario');
    expect(closest('zzz', names)).toBeUndefined();
  });
});
