import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, configVariables, loadConfig } from './config.ts';

const key = Buffer.alloc(32, 7).toString('base64');

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.dataDir).toBe('./data');
    expect(config.timezone).toBe('UTC');
    expect(config.locale).toBe('es');
    expect(config.logLevel).toBe('info');
    expect(config.database.url).toBeUndefined();
    expect(config.telegram).toBeUndefined();
    expect(config.discord).toBeUndefined();
    expect(config.whatsapp).toBeUndefined();
    expect(config.etsy).toBeUndefined();
    expect(config.aliexpress.baseUrl).toBe('https://www.aliexpress.com');
  });

  it('treats blank values as unset', () => {
    const config = loadConfig({ PORT: '  ', DATABASE_URL: '', TELEGRAM_BOT_TOKEN: ' ', BODEGA_LOCALE: '' });
    expect(config.port).toBe(8080);
    expect(config.database.url).toBeUndefined();
    expect(config.telegram).toBeUndefined();
    expect(config.locale).toBe('es');
  });

  it('parses a full production environment into per-part slices', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://u:p@db.internal:5432/bodega',
      PORT: '9000',
      PUBLIC_URL: 'https://shop.example.com/',
      BODEGA_TIMEZONE: 'America/Mexico_City',
      BODEGA_LOCALE: 'en',
      BODEGA_OWNERS: 'telegram:12345, discord:67890,whatsapp:+5215512345678',
      ENCRYPTION_KEY: key,
      TELEGRAM_BOT_TOKEN: '123456:ABC-def_ghi',
      TELEGRAM_WEBHOOK_SECRET: 'hook-secret_1',
      ETSY_API_KEY: 'keystring',
      ETSY_SHARED_SECRET: 'shared',
      SMTP_URL: 'smtp://mail.example.com:587',
      REPORT_EMAIL_TO: 'a@example.com, b@example.com',
    });
    expect(config.port).toBe(9000);
    expect(config.publicUrl).toBe('https://shop.example.com');
    expect(config.owners).toEqual(['telegram:12345', 'discord:67890', 'whatsapp:+5215512345678']);
    expect(config.encryptionKey?.length).toBe(32);
    expect(config.telegram).toEqual({
      token: '123456:ABC-def_ghi',
      webhookSecret: 'hook-secret_1',
      apiRoot: 'https://api.telegram.org',
    });
    expect(config.etsy?.apiBase).toBe('https://api.etsy.com');
    expect(config.mail).toEqual({
      smtpUrl: 'smtp://mail.example.com:587',
      reportTo: ['a@example.com', 'b@example.com'],
    });
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT: must be a whole number (got "abc")'],
    [{ PORT: '70000' }, 'PORT: must be between 1 and 65535 (got "70000")'],
    [
      { BODEGA_LOCALE: 'fr' },
      'BODEGA_LOCALE: must be es or en, optionally with a country: es-MX, es-ES, en-US (got "fr")',
    ],
    [{ BODEGA_TIMEZONE: 'Mars/Olympus' }, 'BODEGA_TIMEZONE: must be an IANA time zone'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL: must be one of'],
    [{ PUBLIC_URL: 'shop.example.com' }, 'PUBLIC_URL: must be an http:// or https:// URL'],
    [{ PUBLIC_URL: 'http://shop.example.com' }, 'PUBLIC_URL: must be an https:// URL'],
    [{ PUBLIC_URL: 'http://10.0.0.5:8080' }, 'PUBLIC_URL: must be an https:// URL'],
    [{ METRICS_TOKEN: 'short' }, 'METRICS_TOKEN: must be at least 16 characters'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL: must be a postgres:// or postgresql:// connection URL'],
    [{ ENCRYPTION_KEY: 'c2hvcnQ=' }, 'ENCRYPTION_KEY: must be 32 bytes encoded in base64'],
    [{ BODEGA_OWNERS: 'telegram:12,slack:9' }, 'BODEGA_OWNERS: has invalid identities (slack:9)'],
    [{ WHATSAPP_MODE: 'sms' }, 'WHATSAPP_MODE: must be web or cloud'],
    [{ REPORT_EMAIL_TO: 'nobody', SMTP_URL: 'smtp://x' }, 'REPORT_EMAIL_TO: has invalid email addresses (nobody)'],
  ])('names the variable and the problem for %o', (env, message) => {
    const problems = problemsOf(env);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });

  it('takes http:// for PUBLIC_URL only on loopback addresses', () => {
    for (const url of [
      'http://localhost:8080',
      'http://127.0.0.1:9000',
      'http://[::1]:8080',
      'https://shop.example.com',
    ])
      expect(loadConfig({ PUBLIC_URL: url }).publicUrl).toBe(url);
  });

  it('reports every bad variable at once', () => {
    expect(problemsOf({ PORT: 'x', BODEGA_LOCALE: 'de' }).map((p) => p.split(':')[0])).toEqual([
      'PORT',
      'BODEGA_LOCALE',
    ]);
  });

  it('never echoes a secret value in the message', () => {
    const [problem] = problemsOf({ DATABASE_URL: 'mysql://admin:hunter2@db' });
    expect(problem).not.toContain('hunter2');
    const [keyProblem] = problemsOf({ ENCRYPTION_KEY: 'topsecretvalue' });
    expect(keyProblem).not.toContain('topsecretvalue');
  });

  it.each([
    [{ TELEGRAM_BOT_TOKEN: '1:abc', PUBLIC_URL: 'https://x.example' }, 'TELEGRAM_WEBHOOK_SECRET: is required'],
    [{ WHATSAPP_MODE: 'cloud' }, 'WHATSAPP_CLOUD_TOKEN: is required'],
    [{ ETSY_API_KEY: 'k' }, 'ETSY_SHARED_SECRET: is required'],
    [{ REPORT_EMAIL_TO: 'a@example.com' }, 'SMTP_URL: is required'],
    [{ DISCORD_TOKEN: 't' }, 'DISCORD_APPLICATION_ID: is required'],
  ])('requires the variables that go together: %o', (env, message) => {
    expect(problemsOf(env).join('\n')).toContain(message);
  });

  it('documents every variable in .env.example', () => {
    const example = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
    const documented = [...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((match) => match[1]);
    expect(documented.sort()).toEqual([...configVariables].sort());
  });
});
