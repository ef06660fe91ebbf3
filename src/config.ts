import { z } from 'zod';
import {
  alertTemplate,
  emailList,
  encryptionKey,
  httpUrl,
  optional,
  owners,
  port,
  postgresUrl,
  publicUrl,
  smtpUrl,
  timezone,
  withDefault,
} from './config-fields.ts';
import { isCurrencyCode } from './money.ts';

export { identityPattern } from './config-fields.ts';

export type Locale = 'es' | 'en';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface DatabaseConfig {
  /** External Postgres; when absent an embedded server is started in `${dataDir}/pg`. */
  url: string | undefined;
  dataDir: string;
  /** Fixed port for the embedded server; a free one is picked when absent. */
  embeddedPort: number | undefined;
}

export interface TelegramConfig {
  token: string;
  webhookSecret: string | undefined;
  apiRoot: string;
}

export interface DiscordConfig {
  token: string;
  applicationId: string | undefined;
  publicKey: string | undefined;
  apiBase: string;
  /** DISCORD_GUILD_ID: register the slash commands in this one server (instant) instead of globally. */
  guildId: string | undefined;
}

export interface WhatsappConfig {
  mode: 'web' | 'cloud';
  cloudToken: string | undefined;
  phoneNumberId: string | undefined;
  verifyToken: string | undefined;
  appSecret: string | undefined;
  graphBase: string;
  /** WHATSAPP_ALERT_TEMPLATE: the approved template alerts use outside the 24-hour window. */
  alertTemplate: { name: string; language: string } | undefined;
  chromiumPath: string | undefined;
}

export interface EtsyConfig {
  apiKey: string;
  sharedSecret: string;
  apiBase: string;
  oauthBase: string;
  /** ETSY_WEBHOOK_SECRET (`whsec_<base64>`): without it POST /webhooks/etsy is off. */
  webhookSecret: string | undefined;
}

export interface AliexpressConfig {
  baseUrl: string;
  /** The product data gateway item pages call (`mtop`), for watches without the affiliate API. */
  mtopUrl: string;
  apiBase: string;
  appKey: string | undefined;
  appSecret: string | undefined;
  proxyUrl: string | undefined;
}

export interface MailConfig {
  smtpUrl: string;
  reportTo: string[];
}

export interface Config {
  dataDir: string;
  port: number;
  publicUrl: string | undefined;
  timezone: string;
  locale: Locale;
  /** The region part of BODEGA_LOCALE (`es-ES` → `ES`), when given: number style and ship-to country. */
  region: string | undefined;
  owners: string[];
  /** Currency of new products when none is given (ISO 4217). */
  currency: string;
  /** 32-byte key from ENCRYPTION_KEY; resolved from `$DATA_DIR` later when unset (see secrets.ts). */
  encryptionKey: Buffer | undefined;
  logLevel: LogLevel;
  /** When set, `GET /metrics` answers only `Authorization: Bearer <token>`. */
  metricsToken: string | undefined;
  database: DatabaseConfig;
  /** Each platform is `undefined` (off) unless its token is set. */
  telegram: TelegramConfig | undefined;
  discord: DiscordConfig | undefined;
  whatsapp: WhatsappConfig | undefined;
  etsy: EtsyConfig | undefined;
  aliexpress: AliexpressConfig;
  mail: MailConfig | undefined;
  /** S3-compatible storage for report files and backups, when S3_ENDPOINT, S3_BUCKET and both keys are set. */
  s3: { endpoint: string; bucket: string; region: string; accessKeyId: string; secretAccessKey: string } | undefined;
  /** BACKUP_KEEP_DAYS: the daily backup job removes backups older than this. */
  backupKeepDays: number;
}

/** Raised when the environment is invalid; the message names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const envSchema = z.object({
  DATABASE_URL: optional(postgresUrl),
  DATA_DIR: withDefault(z.string(), './data'),
  EMBEDDED_POSTGRES_PORT: optional(port),
  PORT: withDefault(port, 8080),
  PUBLIC_URL: optional(publicUrl),
  BODEGA_TIMEZONE: withDefault(timezone, 'UTC'),
  BODEGA_LOCALE: withDefault(
    z.string().regex(/^(es|en)([-_][A-Za-z]{2})?$/i, {
      message: 'must be es or en, optionally with a country: es-MX, es-ES, en-US',
    }),
    'es',
  ),
  BODEGA_OWNERS: optional(owners),
  BODEGA_CURRENCY: withDefault(
    z
      .string()
      .refine(isCurrencyCode, { message: 'must be an ISO 4217 currency code such as MXN, USD or EUR' })
      .transform((v) => v.toUpperCase()),
    'USD',
  ),
  ENCRYPTION_KEY: optional(encryptionKey),
  LOG_LEVEL: withDefault(
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'must be one of fatal, error, warn, info, debug, trace, silent',
    }),
    'info',
  ),
  TELEGRAM_BOT_TOKEN: optional(
    z.string().regex(/^[0-9]+:[A-Za-z0-9_-]+$/, { message: 'must look like 123456:ABC-DEF...' }),
  ),
  TELEGRAM_WEBHOOK_SECRET: optional(
    z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, { message: 'must be 1-256 characters of A-Z, a-z, 0-9, _ and -' }),
  ),
  TELEGRAM_API_ROOT: withDefault(httpUrl, 'https://api.telegram.org'),
  DISCORD_TOKEN: optional(z.string()),
  DISCORD_APPLICATION_ID: optional(z.string().regex(/^[0-9]{5,25}$/, { message: 'must be a numeric snowflake id' })),
  DISCORD_PUBLIC_KEY: optional(z.string().regex(/^[0-9a-fA-F]{64}$/, { message: 'must be 64 hexadecimal characters' })),
  DISCORD_API_BASE: withDefault(httpUrl, 'https://discord.com/api'),
  DISCORD_GUILD_ID: optional(z.string().regex(/^[0-9]{5,25}$/, { message: 'must be a numeric snowflake id' })),
  WHATSAPP_MODE: optional(z.enum(['web', 'cloud'], { message: 'must be web or cloud' })),
  WHATSAPP_CLOUD_TOKEN: optional(z.string()),
  WHATSAPP_PHONE_NUMBER_ID: optional(z.string().regex(/^[0-9]+$/, { message: 'must be numeric' })),
  WHATSAPP_VERIFY_TOKEN: optional(z.string()),
  WHATSAPP_APP_SECRET: optional(z.string()),
  WHATSAPP_GRAPH_BASE: withDefault(httpUrl, 'https://graph.facebook.com'),
  WHATSAPP_ALERT_TEMPLATE: optional(
    z.string().regex(/^[a-z0-9_]{1,512}(:[A-Za-z_]{2,6})?$/, {
      message: 'must be an approved template name, optionally with its language (bodega_alerta:es_MX)',
    }),
  ),
  CHROMIUM_PATH: optional(z.string()),
  ETSY_API_KEY: optional(z.string()),
  ETSY_SHARED_SECRET: optional(z.string()),
  ETSY_API_BASE: withDefault(httpUrl, 'https://api.etsy.com'),
  ETSY_OAUTH_BASE: withDefault(httpUrl, 'https://www.etsy.com'),
  ETSY_WEBHOOK_SECRET: optional(
    z.string().regex(/^whsec_[A-Za-z0-9+/=]{16,}$/, { message: 'must be the whsec_<base64> secret Etsy shows' }),
  ),
  ALIEXPRESS_BASE_URL: withDefault(httpUrl, 'https://www.aliexpress.com'),
  ALIEXPRESS_MTOP_URL: withDefault(httpUrl, 'https://acs.aliexpress.com'),
  ALIEXPRESS_APP_KEY: optional(z.string()),
  ALIEXPRESS_APP_SECRET: optional(z.string()),
  ALIEXPRESS_API_BASE: withDefault(httpUrl, 'https://api-sg.aliexpress.com'),
  HTTP_PROXY_URL: optional(httpUrl),
  SMTP_URL: optional(smtpUrl),
  REPORT_EMAIL_TO: optional(emailList),
  S3_ENDPOINT: optional(httpUrl),
  S3_BUCKET: optional(
    z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'must be a bucket name (3-63 of a-z, 0-9, . and -)' }),
  ),
  S3_REGION: withDefault(z.string(), 'us-east-1'),
  S3_ACCESS_KEY_ID: optional(z.string()),
  S3_SECRET_ACCESS_KEY: optional(z.string()),
  BACKUP_KEEP_DAYS: withDefault(
    z.coerce.number().int().min(1, { message: 'must be a whole number of days, 1 or more' }),
    14,
  ),
  METRICS_TOKEN: optional(z.string().min(16, { message: 'must be at least 16 characters' })),
});

type Env = z.infer<typeof envSchema>;

/** Every variable bodega reads, for `.env.example` and the docs test. */
export const configVariables = Object.keys(envSchema.shape);

/** Parses the environment once; throws ConfigError naming each bad variable. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => describeIssue(issue, source)));
  }
  const env = parsed.data;
  const problems = crossFieldProblems(env);
  if (problems.length > 0) throw new ConfigError(problems);
  return toConfig(env);
}

function toConfig(env: Env): Config {
  return {
    dataDir: env.DATA_DIR,
    port: env.PORT,
    publicUrl: env.PUBLIC_URL,
    timezone: env.BODEGA_TIMEZONE,
    locale: env.BODEGA_LOCALE.slice(0, 2).toLowerCase() === 'en' ? 'en' : 'es',
    region: env.BODEGA_LOCALE.length > 2 ? env.BODEGA_LOCALE.slice(3).toUpperCase() : undefined,
    owners: env.BODEGA_OWNERS ?? [],
    currency: env.BODEGA_CURRENCY,
    encryptionKey: env.ENCRYPTION_KEY,
    logLevel: env.LOG_LEVEL,
    metricsToken: env.METRICS_TOKEN,
    database: { url: env.DATABASE_URL, dataDir: env.DATA_DIR, embeddedPort: env.EMBEDDED_POSTGRES_PORT },
    telegram: env.TELEGRAM_BOT_TOKEN
      ? { token: env.TELEGRAM_BOT_TOKEN, webhookSecret: env.TELEGRAM_WEBHOOK_SECRET, apiRoot: env.TELEGRAM_API_ROOT }
      : undefined,
    discord: env.DISCORD_TOKEN
      ? {
          token: env.DISCORD_TOKEN,
          applicationId: env.DISCORD_APPLICATION_ID,
          publicKey: env.DISCORD_PUBLIC_KEY,
          apiBase: env.DISCORD_API_BASE,
          guildId: env.DISCORD_GUILD_ID,
        }
      : undefined,
    whatsapp: env.WHATSAPP_MODE
      ? {
          mode: env.WHATSAPP_MODE,
          cloudToken: env.WHATSAPP_CLOUD_TOKEN,
          phoneNumberId: env.WHATSAPP_PHONE_NUMBER_ID,
          verifyToken: env.WHATSAPP_VERIFY_TOKEN,
          appSecret: env.WHATSAPP_APP_SECRET,
          graphBase: env.WHATSAPP_GRAPH_BASE,
          alertTemplate: env.WHATSAPP_ALERT_TEMPLATE ? alertTemplate(env.WHATSAPP_ALERT_TEMPLATE) : undefined,
          chromiumPath: env.CHROMIUM_PATH,
        }
      : undefined,
    etsy:
      env.ETSY_API_KEY && env.ETSY_SHARED_SECRET
        ? {
            apiKey: env.ETSY_API_KEY,
            sharedSecret: env.ETSY_SHARED_SECRET,
            apiBase: env.ETSY_API_BASE,
            oauthBase: env.ETSY_OAUTH_BASE,
            webhookSecret: env.ETSY_WEBHOOK_SECRET,
          }
        : undefined,
    aliexpress: {
      baseUrl: env.ALIEXPRESS_BASE_URL,
      mtopUrl: env.ALIEXPRESS_MTOP_URL,
      apiBase: env.ALIEXPRESS_API_BASE,
      appKey: env.ALIEXPRESS_APP_KEY,
      appSecret: env.ALIEXPRESS_APP_SECRET,
      proxyUrl: env.HTTP_PROXY_URL,
    },
    mail: env.SMTP_URL ? { smtpUrl: env.SMTP_URL, reportTo: env.REPORT_EMAIL_TO ?? [] } : undefined,
    s3:
      env.S3_ENDPOINT && env.S3_BUCKET && env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY
        ? {
            endpoint: env.S3_ENDPOINT,
            bucket: env.S3_BUCKET,
            region: env.S3_REGION,
            accessKeyId: env.S3_ACCESS_KEY_ID,
            secretAccessKey: env.S3_SECRET_ACCESS_KEY,
          }
        : undefined,
    backupKeepDays: env.BACKUP_KEEP_DAYS,
  };
}

/** Rules that involve more than one variable. */
function crossFieldProblems(env: Env): string[] {
  const problems: string[] = [];
  const needs = (when: boolean, name: string, why: string) => {
    if (when) problems.push(`${name}: is required ${why}`);
  };
  needs(
    Boolean(env.TELEGRAM_BOT_TOKEN && env.PUBLIC_URL && !env.TELEGRAM_WEBHOOK_SECRET),
    'TELEGRAM_WEBHOOK_SECRET',
    'when PUBLIC_URL is set (Telegram runs by webhook and every update must be authenticated)',
  );
  needs(
    Boolean(env.DISCORD_TOKEN && !env.DISCORD_APPLICATION_ID),
    'DISCORD_APPLICATION_ID',
    'when DISCORD_TOKEN is set',
  );
  needs(
    Boolean(env.DISCORD_TOKEN && env.PUBLIC_URL && !env.DISCORD_PUBLIC_KEY),
    'DISCORD_PUBLIC_KEY',
    'when DISCORD_TOKEN and PUBLIC_URL are set (interactions must be verified)',
  );
  const cloud = env.WHATSAPP_MODE === 'cloud';
  needs(cloud && !env.WHATSAPP_CLOUD_TOKEN, 'WHATSAPP_CLOUD_TOKEN', 'when WHATSAPP_MODE is cloud');
  needs(cloud && !env.WHATSAPP_PHONE_NUMBER_ID, 'WHATSAPP_PHONE_NUMBER_ID', 'when WHATSAPP_MODE is cloud');
  needs(cloud && !env.WHATSAPP_VERIFY_TOKEN, 'WHATSAPP_VERIFY_TOKEN', 'when WHATSAPP_MODE is cloud');
  needs(
    cloud && !env.WHATSAPP_APP_SECRET,
    'WHATSAPP_APP_SECRET',
    'when WHATSAPP_MODE is cloud (webhooks must be signed)',
  );
  needs(
    Boolean(env.ETSY_API_KEY) !== Boolean(env.ETSY_SHARED_SECRET),
    env.ETSY_API_KEY ? 'ETSY_SHARED_SECRET' : 'ETSY_API_KEY',
    'together with the other one (Etsy needs both keystring and shared secret)',
  );
  needs(
    Boolean(env.ALIEXPRESS_APP_KEY) !== Boolean(env.ALIEXPRESS_APP_SECRET),
    env.ALIEXPRESS_APP_KEY ? 'ALIEXPRESS_APP_SECRET' : 'ALIEXPRESS_APP_KEY',
    'together with the other one',
  );
  needs(Boolean(env.REPORT_EMAIL_TO && !env.SMTP_URL), 'SMTP_URL', 'when REPORT_EMAIL_TO is set');
  return problems;
}

function describeIssue(issue: z.core.$ZodIssue, source: Record<string, string | undefined>): string {
  const name = String(issue.path[0] ?? 'environment');
  const raw = source[name];
  const shown =
    raw === undefined || isSecretName(name) ? '' : ` (got "${raw.length > 60 ? `${raw.slice(0, 60)}…` : raw}")`;
  return `${name}: ${issue.message}${shown}`;
}

/** Names whose values never appear in messages or logs. */
export function isSecretName(name: string): boolean {
  return /TOKEN|SECRET|KEY|PASSWORD|DATABASE_URL|SMTP_URL|PROXY/.test(name);
}

/** Every secret value in the config, so the logger can scrub them from any line. */
export function secretValues(config: Config): string[] {
  const values = [
    config.database.url,
    config.encryptionKey?.toString('base64'),
    config.telegram?.token,
    config.telegram?.webhookSecret,
    config.discord?.token,
    config.whatsapp?.cloudToken,
    config.whatsapp?.verifyToken,
    config.whatsapp?.appSecret,
    config.etsy?.apiKey,
    config.etsy?.sharedSecret,
    config.etsy?.webhookSecret,
    config.aliexpress.appSecret,
    config.aliexpress.proxyUrl,
    config.mail?.smtpUrl,
    config.s3?.secretAccessKey,
    config.metricsToken,
  ];
  return values.filter((value): value is string => typeof value === 'string' && value.length >= 6);
}
