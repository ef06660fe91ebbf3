import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, destination };
}

describe('createLogger', () => {
  it('writes JSON lines with the level and message', () => {
    const { lines, destination } = capture();
    createLogger({ level: 'info', pretty: false, destination }).info({ sku: 'A1' }, 'stock changed');
    const entry = JSON.parse(lines[0] ?? '{}');
    expect(entry).toMatchObject({ level: 30, msg: 'stock changed', sku: 'A1' });
  });

  it('honours the level', () => {
    const { lines, destination } = capture();
    const log = createLogger({ level: 'warn', pretty: false, destination });
    log.info('hidden');
    log.warn('shown');
    expect(lines).toHaveLength(1);
  });

  it('redacts credentials by key and by value, wherever they appear', () => {
    const { lines, destination } = capture();
    const log = createLogger({ level: 'info', pretty: false, destination, secrets: ['s3cr3t-webhook-value'] });
    log.info({ token: 'abc', headers: { authorization: 'Bearer xyz' } }, 'by key');
    log.info({ note: 'header was s3cr3t-webhook-value' }, 'by value');
    log.info({ url: 'postgres://bodega:pa55word@127.0.0.1:5432/x' }, 'url with password');
    log.info(
      { url: 'https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getMe' },
      'bot token in url',
    );
    const text = lines.join('');
    for (const secret of [
      'abc"',
      'Bearer xyz',
      's3cr3t-webhook-value',
      'pa55word',
      'AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text.match(/\[redacted\]/g)?.length).toBeGreaterThanOrEqual(5);
  });
});
