import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { catalogues, type Message, pickLocale, t, translator } from './index.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const texts = (message: Message) =>
  typeof message === 'string' ? [message] : Object.entries(message).flatMap(([k, v]) => (k === 'by' ? [] : [v]));
/** Every placeholder of a message, case aside ({Arg} fills from `arg`), in any of its forms. */
const placeholders = (message: Message) =>
  [
    ...new Set(texts(message).flatMap((value) => [...value.matchAll(/\{(\w+)\}/g)].map((m) => m[1]?.toLowerCase()))),
  ].sort();

/**
 * Blanks every log call and every error constructed, however the formatter wrapped them, keeping line numbers:
 * log lines and error messages are for operators; what a user reads of an error is its catalogue reason.
 */
function withoutDeveloperText(source: string): string {
  let out = source;
  for (const start of [...source.matchAll(/\b\w*[lL]og\.(fatal|error|warn|info|debug|trace)\(|\bnew \w*Error\(/g)].map(
    (m) => m.index ?? 0,
  )) {
    let depth = 0;
    let end = start;
    for (let i = source.indexOf('(', start); i < source.length; i++) {
      if (source[i] === '(') depth++;
      else if (source[i] === ')' && --depth === 0) {
        end = i;
        break;
      }
    }
    out = out.slice(0, start) + source.slice(start, end + 1).replace(/[^\n]/g, ' ') + out.slice(end + 1);
  }
  return out;
}

/**
 * Wire-protocol modules: their messages answer a platform's servers (an HTTP 400 naming the bad field of a
 * webhook body) or describe a platform's errors for operators (graph-api), never a person in a chat.
 */
const wire = /(webhook-body|updates|payloads|graph-api|discord\/interactions|discord\/webhook)\.ts$/;

/** Files whose strings reach users: commands, chat rendering, adapters. */
function userFacingFiles(): string[] {
  const roots = ['src/commands', 'src/chat', 'bots'].map((dir) => join(root, dir));
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts') && !path.endsWith('.test.ts') && !path.includes('contract') && !wire.test(path))
        files.push(path);
    }
  };
  roots.forEach(walk);
  return files;
}

describe('i18n', () => {
  it('has the same keys in es and en', () => {
    expect(Object.keys(catalogues.en).sort()).toEqual(Object.keys(catalogues.es).sort());
  });

  it('has the same placeholders for each key in both languages, and no empty text', () => {
    for (const key of Object.keys(catalogues.es) as Array<keyof typeof catalogues.es>) {
      expect(placeholders(catalogues.en[key]), key).toEqual(placeholders(catalogues.es[key]));
      for (const value of [...texts(catalogues.es[key]), ...texts(catalogues.en[key])])
        expect(value.trim(), key).not.toBe('');
    }
  });

  it('fills placeholders and picks the language: chosen, then platform, then default', () => {
    expect(t('es', 'task.started', { id: 7 })).toBe('Trabajando en ello (tarea #7). Te aviso aquí cuando termine.');
    expect(pickLocale('en', 'es-MX', 'es')).toBe('en');
    expect(pickLocale(null, 'es-MX', 'en')).toBe('es');
    expect(pickLocale(null, 'pt-BR', 'en')).toBe('en');
    expect(pickLocale(undefined, undefined, 'es')).toBe('es');
  });

  it('writes whole sentences: plurals by Intl.PluralRules, Spanish agreement, capitals where a sentence starts', () => {
    const es = translator('es');
    expect(es('stock.low_alert', { sku: 'A', title: 'Taza', available: 1, threshold: 3 })).toContain(
      'queda 1 disponible',
    );
    expect(es('stock.low_alert', { sku: 'A', title: 'Taza', available: 2, threshold: 3 })).toContain(
      'quedan 2 disponibles',
    );
    expect(es('filter.new', { name: 'f', count: 1 })).toBe('Filtro «f»: 1 producto nuevo');
    const reservation = es('args.the', { name: 'reserva', form: 'f' });
    expect(es('args.invalid', { arg: reservation, form: 'f', value: 'abc' })).toBe('La reserva no es válida («abc»).');
    expect(es('args.missing', { arg: es('args.the', { name: 'palabras', form: 'fp' }), form: 'fp' })).toBe(
      'Faltan las palabras.',
    );
    expect(translator('en')('args.missing', { arg: 'the price' })).toBe('The price is missing.');
  });

  it('formats numbers, money and times one way, by the shop region and zone, naming the zone', () => {
    const mexico = translator('es', { region: 'MX', timeZone: 'America/Mexico_City' });
    const spain = translator('es', { region: 'ES', timeZone: 'Europe/Madrid' });
    expect(mexico('search.sold', { count: 1234 })).toBe('1,234 vendidos');
    expect(spain('search.sold', { count: 1234 })).toBe('1.234 vendidos');
    expect(mexico.money({ minor: 129900, currency: 'MXN' })).toBe('$1,299.00 MXN');
    expect(spain.money({ minor: 129900, currency: 'EUR' })).toBe('1.299,00\u00a0€ EUR');
    expect(mexico.money({ minor: 1500, currency: 'JPY' })).toBe('¥1,500 JPY');
    const at = new Date('2026-11-23T21:53:00Z');
    expect(mexico.dateTime(at)).toBe('23 nov 2026, 15:53 CST');
    expect(spain.dateTime(at)).toBe('23 nov 2026, 22:53 CET');
    expect(translator('en').dateTime(at)).toBe('Nov 23, 2026, 21:53 UTC');
    // Ids stay as they are written (#1234), whatever the region.
    expect(mexico('cancel.done', { id: 1234 })).toBe('Tarea #1234 cancelada.');
  });

  it('finds no user-facing prose written outside the catalogues', () => {
    const offenders: string[] = [];
    for (const file of userFacingFiles()) {
      withoutDeveloperText(readFileSync(file, 'utf8'))
        .split('\n')
        .forEach((line, index) => {
          const code = line.replace(/\/\/.*$/, '').trim();
          if (/^(\*|\/\*|import |export \{)/.test(code)) return;
          if (
            /\b(es|en):\s*['"`]/.test(code) ||
            /\b(log|this\.log|options\.log)\.\w+\(/.test(code) ||
            /new (Error|AppError|SendError)\(/.test(code)
          )
            return;
          for (const match of code.matchAll(/(['"`])((?:(?!\1).)*)\1/g)) {
            const value = match[2] ?? '';
            const prose = /\p{L}+(\s+\p{L}+){2,}/u.test(value) && (value.match(/\p{L}/gu)?.length ?? 0) >= 10;
            const sql = /^\s*(select|update|insert|delete|with|and|or|from|where)\b/i.test(value);
            if (prose && !sql) offenders.push(`${relative(root, file)}:${index + 1}: ${value}`);
          }
        });
    }
    expect(offenders).toEqual([]);
  });
});
