import { describe, expect, it } from 'vitest';
import { translator } from '../i18n/index.ts';
import { layout, type OutMessage, type PlatformFormat } from './layout.ts';
import { plainFormat } from './plain-format.ts';
import { blockText, bold, buttons, code, fields, file, image, link, type Reply, reply, table, text } from './reply.ts';

const t = translator('es');
const small: PlatformFormat = { ...plainFormat, maxLength: 100 };
const texts = (messages: OutMessage[]) => messages.flatMap((m) => (m.kind === 'text' ? [m.text] : []));

describe('layout', () => {
  it('keeps a short reply of every block kind in order, files apart, buttons on the last text', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
    const value: Reply = reply(
      text(bold('Stock'), ' de ', code('A-1'), ' — ', link('ver', 'https://example.com/a1')),
      fields([
        ['Total', 10],
        ['Disponible', 7],
      ]),
      table(['sku', 'qty'], [['A-1', '7']], { align: ['left', 'right'] }),
      image('chart.png', 'image/png', png, 'gráfica'),
      file('report.csv', 'text/csv', Buffer.from('a,b\n')),
      text('fin'),
      buttons({ label: 'Siguiente', command: '/stock page:2' }),
    );
    const messages = layout(value, plainFormat, t);
    expect(messages.map((m) => m.kind)).toEqual(['text', 'image', 'file', 'text']);
    expect(messages[0]).toMatchObject({ kind: 'text' });
    expect((messages[0] as { text: string }).text).toBe(
      'Stock de A-1 — ver (https://example.com/a1)\n\nTotal: 10\nDisponible: 7\n\nsku  qty\n---  ---\nA-1    7',
    );
    expect(messages[1]).toMatchObject({ filename: 'chart.png', caption: 'gráfica', data: png.toString('base64') });
    expect(messages[3]).toEqual({
      kind: 'text',
      text: 'fin',
      buttons: [{ label: 'Siguiente', command: '/stock page:2' }],
    });
  });

  it('splits on line boundaries, every message within the limit, nothing lost', () => {
    const lines = Array.from({ length: 40 }, (_, i) => `línea ${i} con acentos y ñ`);
    const messages = texts(layout(reply(text(lines.join('\n'))), small, t));
    expect(messages.length).toBeGreaterThan(5);
    for (const message of messages) expect(message.length).toBeLessThanOrEqual(100);
    expect(messages.join('\n')).toBe(lines.join('\n'));
  });

  it('measures in the platform unit: emoji count as two UTF-16 units and are never cut in half', () => {
    const format: PlatformFormat = { ...small, maxLength: 11 };
    const emoji = '🚀'.repeat(30);
    const messages = texts(layout(reply(text(emoji)), format, t));
    for (const message of messages) {
      expect(message.length).toBeLessThanOrEqual(11);
      expect([...message].every((char) => char === '🚀')).toBe(true);
    }
    expect(messages.join('')).toBe(emoji);
  });

  it('cuts a single over-long line by its measure, keeping emphasis on each piece', () => {
    const format: PlatformFormat = {
      ...small,
      maxLength: 20,
      renderBlock: (block) =>
        block.kind === 'text'
          ? block.spans
              .map((s) => (typeof s === 'string' ? s : `<b>${blockText({ kind: 'text', spans: [s] })}</b>`))
              .join('')
          : '',
    };
    const messages = texts(layout(reply(text('x'.repeat(15), bold('y'.repeat(30)))), format, t));
    for (const message of messages) expect(message.length).toBeLessThanOrEqual(20);
    expect(messages.join('').replace(/<\/?b>/g, '')).toBe('x'.repeat(15) + 'y'.repeat(30));
    expect(messages.slice(1).every((m) => m.startsWith('<b>') && m.endsWith('</b>'))).toBe(true);
  });

  it('splits a long table by rows, repeating the header, and sends a very long table as CSV', () => {
    const rows = Array.from({ length: 30 }, (_, i) => [`SKU-${i}`, String(i)]);
    const split = texts(layout(reply(table(['sku', 'qty'], rows)), { ...small, maxLength: 120 }, t));
    expect(split.length).toBeGreaterThan(1);
    for (const message of split) expect(message.startsWith('sku')).toBe(true);
    expect(split.join('\n')).toContain('SKU-29');

    const huge = Array.from({ length: 500 }, (_, i) => [`SKU-${i}`, `título, con "comillas"`]);
    const messages = layout(reply(table(['sku', 'título'], huge, { name: 'stock' })), plainFormat, t);
    expect(messages.map((m) => m.kind)).toEqual(['text', 'file']);
    expect(texts(messages)[0]).toBe('La tabla tiene 500 filas; va adjunta como stock.csv.');
    const csv = Buffer.from((messages[1] as { data: string }).data, 'base64').toString('utf8');
    expect(csv.split('\r\n')).toHaveLength(502);
    expect(csv).toContain('SKU-499,"título, con ""comillas"""');
  });

  it('splits a long key/value list between items', () => {
    const items = Array.from({ length: 20 }, (_, i): [string, string] => [`campo ${i}`, `valor ${i}`]);
    const messages = texts(layout(reply(fields(items)), { ...small, maxLength: 60 }, t));
    expect(messages.join('\n').split('\n')).toEqual(items.map(([k, v]) => `${k}: ${v}`));
  });
});
