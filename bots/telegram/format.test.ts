import { describe, expect, it } from 'vitest';
import { bold, code, file, link, reply, table, text } from '../../src/chat/reply.ts';
import { CAPTION_LIMIT, escapeHtml, MESSAGE_LIMIT, renderHtml, telegramLayout, visibleLength } from './format.ts';

const allowedTags = /<\/?(b|i|code|pre|a)( href="[^"<>]*")?>/g;

/** What Telegram would show: tags parsed away, entities decoded. Throws on markup Telegram would reject. */
function shown(html: string): string {
  const stack: string[] = [];
  for (const match of html.matchAll(/<(\/?)([a-z]+)[^>]*>/g)) {
    if (match[1]) expect(stack.pop()).toBe(match[2]);
    else stack.push(match[2] as string);
  }
  expect(stack).toEqual([]);
  expect(html.replace(allowedTags, '')).not.toMatch(/[<>]/);
  expect(html).not.toMatch(/&(?!(lt|gt|quot|amp);)/);
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

describe('Telegram format', () => {
  it('escapes user data so it can never become markup', () => {
    const html = renderHtml({
      kind: 'text',
      spans: [
        'Taza <b>"negra"</b> & más ',
        bold('<script>'),
        ' ',
        code('a<b'),
        ' ',
        link('ver & comprar', 'https://x.example/?a=1&b="2"'),
      ],
    });
    expect(html).toBe(
      'Taza &lt;b&gt;&quot;negra&quot;&lt;/b&gt; &amp; más <b>&lt;script&gt;</b> <code>a&lt;b</code> <a href="https://x.example/?a=1&amp;b=&quot;2&quot;">ver &amp; comprar</a>',
    );
    expect(shown(html)).toBe('Taza <b>"negra"</b> & más <script> a<b ver & comprar');
    expect(renderHtml({ kind: 'text', spans: [link('click', 'javascript:alert(1)')] })).toBe('click');
  });

  it('renders fields in bold labels and tables as monospace blocks', () => {
    expect(renderHtml({ kind: 'fields', items: [{ label: 'Total', value: '5 < 6' }] })).toBe('<b>Total:</b> 5 &lt; 6');
    expect(renderHtml({ kind: 'table', columns: ['sku', 'qty'], rows: [['A&1', '3']] })).toBe(
      '<pre>sku  qty\n---  ---\nA&amp;1  3</pre>',
    );
  });

  it('measures what Telegram counts: UTF-16 units of the visible text', () => {
    expect(visibleLength('<b>🚀 &amp; ñ</b>')).toBe('🚀 & ñ'.length);
    expect('🚀'.length).toBe(2);
  });

  it('splits a 10,000-character reply into well-formed messages within 4096, losing nothing', () => {
    const lines = Array.from({ length: 200 }, (_, i) => `Línea ${i}: taza <negra> & “café” 🚀 ${'x'.repeat(20)}`);
    const original = lines.join('\n');
    expect(original.length).toBeGreaterThan(10_000);
    const messages = telegramLayout(
      reply(text(bold('Stock'), '\n', original), table(['sku', 'qty'], [['A-1', '3']])),
      'es',
    );
    expect(messages.length).toBeGreaterThan(2);
    const visible = messages.map((message) => {
      if (message.kind !== 'text') throw new Error('expected text only');
      expect(visibleLength(message.text)).toBeLessThanOrEqual(MESSAGE_LIMIT);
      return shown(message.text);
    });
    expect(visible.join('\n')).toContain(original);
    expect(visible.join('\n')).toContain('A-1  3');
  });

  it('cuts one enormous line on code points, never inside a tag or an entity', () => {
    const messages = telegramLayout(reply(text(bold('&'.repeat(5000)), '🚀'.repeat(3000))), 'en');
    const visible = messages.map((m) => (m.kind === 'text' ? shown(m.text) : ''));
    for (const m of messages) if (m.kind === 'text') expect(visibleLength(m.text)).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(visible.join('')).toBe('&'.repeat(5000) + '🚀'.repeat(3000));
  });

  it('keeps a document caption within 1024, sending a longer one as text first', () => {
    const short = telegramLayout(reply(file('r.csv', 'text/csv', Buffer.from('a'), 'Reporte de noviembre')), 'es');
    expect(short).toEqual([
      {
        kind: 'file',
        filename: 'r.csv',
        mime: 'text/csv',
        data: Buffer.from('a').toString('base64'),
        caption: 'Reporte de noviembre',
      },
    ]);
    const long = telegramLayout(
      reply(file('r.csv', 'text/csv', Buffer.from('a'), 'n'.repeat(CAPTION_LIMIT + 1))),
      'es',
    );
    expect(long.map((m) => m.kind)).toEqual(['text', 'file']);
    expect(long[1]).not.toHaveProperty('caption');
    expect(long[0]).toMatchObject({ text: 'n'.repeat(CAPTION_LIMIT + 1) });
  });

  it('escapes the note about a table sent as CSV, in the user language', () => {
    const rows = Array.from({ length: 60 }, (_, i) => [`SKU-${i}`, 'a<b']);
    const messages = telegramLayout(reply(table(['sku', 'título'], rows, { name: 'stock' })), 'en');
    expect(messages.map((m) => m.kind)).toEqual(['text', 'file']);
    expect(messages[0]).toMatchObject({ text: escapeHtml('The table has 60 rows; it is attached as stock.csv.') });
  });
});
