import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { catalogues, pickLocale, t } from './index.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const placeholders = (value: string) => [...value.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

/** Blanks every log call, however the formatter wrapped it, keeping line numbers: log lines are for operators. */
function withoutLogCalls(source: string): string {
  let out = source;
  for (const start of [...source.matchAll(/\b\w*[lL]og\.(fatal|error|warn|info|debug|trace)\(/g)].map(
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
 * webhook body), never a person in a chat.
 */
const wire = /(webhook-body|updates|payloads)\.ts$/;

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
      expect(catalogues.es[key].trim(), key).not.toBe('');
      expect(catalogues.en[key].trim(), key).not.toBe('');
    }
  });

  it('fills placeholders and picks the language: chosen, then platform, then default', () => {
    expect(t('es', 'task.started', { id: 7 })).toBe('Trabajando en ello (tarea #7). Te aviso aquí cuando termine.');
    expect(pickLocale('en', 'es-MX', 'es')).toBe('en');
    expect(pickLocale(null, 'es-MX', 'en')).toBe('es');
    expect(pickLocale(null, 'pt-BR', 'en')).toBe('en');
    expect(pickLocale(undefined, undefined, 'es')).toBe('es');
  });

  it('finds no user-facing prose written outside the catalogues', () => {
    const offenders: string[] = [];
    for (const file of userFacingFiles()) {
      withoutLogCalls(readFileSync(file, 'utf8'))
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
