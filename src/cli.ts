import { existsSync } from 'node:fs';
import { DataDirInUseError } from '../db/data-dir-lock.ts';
import { tableLines } from './chat/table-text.ts';
import { apiKeyTable } from './commands/apikeys.ts';
import { type Config, ConfigError, type LogLevel, loadConfig, secretValues } from './config.ts';
import { chat, runOnce } from './console-session.ts';
import { createCore, createJobScheduler, openDatabase } from './core.ts';
import { type ApiKeyInfo, createApiKeys } from './domain/apikeys/index.ts';
import { catalogues, defaultRegion, type MessageKey, type Translate, translator } from './i18n/index.ts';
import { createLogger, type Logger, type LoggerSettings } from './logger.ts';
import { type RunningBodega, startBodega } from './main.ts';
import { backupVerb, restoreVerb } from './wiring/backup-verbs.ts';
import { onDatabase } from './wiring/database-verb.ts';
import { discordRegister } from './wiring/discord-register.ts';
import { whatsappLogin } from './wiring/whatsapp-login.ts';

const SHUTDOWN_LIMIT_MS = 10_000;
/** A second signal sooner than this after the first is an echo of it (see start), not a second request. */
const SIGNAL_ECHO_MS = 500;

type Verb = (args: string[], config: Config, log: Logger, t: Translate) => Promise<number>;

const verbs: Record<string, Verb> = {
  start,
  migrate,
  chat: chatVerb,
  run: runVerb,
  job: jobVerb,
  apikey: apikeyVerb,
  stock: stockVerb,
  whatsapp: whatsappVerb,
  backup: backupVerb,
  restore: restoreVerb,
  discord: discordVerb,
};

/** The language of the CLI's own words: BODEGA_LOCALE, read leniently so even a bad configuration is explained in it. */
function cliTranslator(env: Record<string, string | undefined>): Translate {
  return translator(env.BODEGA_LOCALE?.trim().toLowerCase().startsWith('en') ? 'en' : 'es');
}

/**
 * `start` logs to stdout at LOG_LEVEL, for the platform's log collector. Every other verb answers on stdout, so its
 * logs go to stderr at warn and above, one line each, with stack traces only when LOG_LEVEL asks for debugging.
 */
function loggerSettings(verb: string, config: Config): LoggerSettings {
  const secrets = secretValues(config);
  if (verb === 'start') return { level: config.logLevel, pretty: Boolean(process.stdout.isTTY), secrets };
  const debugging = config.logLevel === 'debug' || config.logLevel === 'trace';
  const quiet: LogLevel[] = ['fatal', 'error', 'silent'];
  const level = debugging || quiet.includes(config.logLevel) ? config.logLevel : 'warn';
  return { level, pretty: Boolean(process.stderr.isTTY), secrets, fd: 2, stacks: debugging };
}

/** Runs one `bodega` verb and returns the process exit code. */
export async function runCli(argv: string[], env: Record<string, string | undefined>): Promise<number> {
  const [verb, ...args] = argv;
  const entry = verb ? verbs[verb] : undefined;
  let t = cliTranslator(env);
  if (!entry) {
    printUsage(verb, t);
    return verb === undefined || verb === 'help' || verb === '--help' ? 0 : 1;
  }
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      const problems = error.problems.map((problem) => `  - ${problem}`).join('\n');
      process.stderr.write(`${t('cli.config_invalid')}\n${problems}\n\n${t('cli.config_see')}\n`);
      return 1;
    }
    throw error;
  }
  t = translator(config.locale, { region: config.region ?? defaultRegion[config.locale], timeZone: config.timezone });
  const log = createLogger(loggerSettings(verb as string, config));
  try {
    return await entry(args, config, log, t);
  } catch (error) {
    if (error instanceof DataDirInUseError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    log.fatal({ err: error }, `bodega ${verb} failed`);
    return 1;
  }
}

async function start(_args: string[], config: Config, log: Logger, t: Translate): Promise<number> {
  // Signals are taken before anything starts, so a SIGTERM during start-up still stops Postgres cleanly. A second
  // one while stopping (an impatient Ctrl-C) exits at once, through process.exit so the embedded server is still
  // told to stop; left to Node's default, it would kill bodega and leave Postgres running. One Ctrl-C under
  // `npm start` can arrive twice within milliseconds (the terminal's and npm's forwarded copy), so a repeat inside
  // SIGNAL_ECHO_MS of the first is the same request.
  const signal = new Promise<NodeJS.Signals>((resolve) => {
    let firstAt: number | undefined;
    const take = (name: NodeJS.Signals) => {
      if (firstAt === undefined) {
        firstAt = Date.now();
        resolve(name);
        return;
      }
      if (Date.now() - firstAt < SIGNAL_ECHO_MS) return;
      log.warn({ signal: name }, 'second signal while shutting down; exiting now');
      process.exit(1);
    };
    process.on('SIGINT', take);
    process.on('SIGTERM', take);
  });
  const bodega = await startBodega(config, log);
  printOwnerCode(bodega.ownerCode, config, t);
  const ended = await Promise.race([
    signal.then((name) => ({ signal: name })),
    bodega.failed.then((error) => ({ error })),
  ]);
  if ('error' in ended) log.fatal({ err: ended.error }, 'bodega cannot recover by itself; exiting so it is restarted');
  else log.info({ signal: ended.signal }, 'shutting down');
  const limit = setTimeout(() => {
    log.error({ limitMs: SHUTDOWN_LIMIT_MS }, 'shutdown took too long; exiting');
    process.exit(1);
  }, SHUTDOWN_LIMIT_MS);
  limit.unref();
  await bodega.stop();
  log.info('stopped');
  return 'error' in ended ? 1 : 0;
}

/** The one-time owner code matters only where someone can send it: when a chat platform is configured. */
function printOwnerCode(owner: RunningBodega['ownerCode'], config: Config, t: Translate) {
  if (!owner) return;
  if (!config.telegram && !config.discord && !config.whatsapp) {
    process.stdout.write(`\n${t('cli.owner_code_no_platform')}\n\n`);
    return;
  }
  const changed = owner.changed ? `${t('cli.owner_code_changed')}\n` : '';
  process.stdout.write(`\n${changed}${t('cli.owner_code', { code: owner.code })}\n\n`);
}

async function migrate(_args: string[], config: Config, log: Logger, t: Translate): Promise<number> {
  const database = await openDatabase(config, log, 'migrate');
  await database.close();
  process.stdout.write(`${t('cli.migrated')}\n`);
  return 0;
}

async function chatVerb(_args: string[], config: Config, log: Logger): Promise<number> {
  const database = await openDatabase(config, log, 'chat');
  try {
    return await chat(database, config, log);
  } finally {
    await database.close();
  }
}

async function runVerb(args: string[], config: Config, log: Logger, t: Translate): Promise<number> {
  const line = args.join(' ').trim();
  if (!line) {
    process.stderr.write(`${t('cli.run_usage')}\n`);
    return 1;
  }
  const database = await openDatabase(config, log, 'run');
  try {
    return await runOnce(line, database, config, log);
  } finally {
    await database.close();
  }
}

async function jobVerb(args: string[], config: Config, log: Logger, t: Translate): Promise<number> {
  const [action, name] = args;
  if (action !== 'list' && !(action === 'run' && name)) {
    process.stderr.write(`${t('cli.job_usage')}\n`);
    return 1;
  }
  const database = await openDatabase(config, log, 'job');
  const core = createCore({ database, config, log });
  const scheduler = createJobScheduler(core, database, config, log);
  try {
    const shopT = translator(t.locale, await core.services.settings.current());
    const status = (value: string) => jobStatus(value, shopT);
    const known = (await scheduler.list()).map((job) => job.name);
    if (action === 'run' && !known.includes(name as string)) {
      process.stderr.write(`${t('cli.job_unknown', { name: name as string, names: known.join(', ') })}\n`);
      return 1;
    }
    if (action === 'run') {
      const outcome = await scheduler.runNow(name as string);
      process.stdout.write(`${t('cli.job_ran', { name: name as string, status: status(outcome) })}\n`);
      return outcome === 'failed' ? 1 : 0;
    }
    for (const job of await scheduler.list()) {
      const last = job.lastRun
        ? `${shopT('cli.job_last', { status: status(job.lastRun.status), at: shopT.dateTime(job.lastRun.startedAt) })}${job.lastRun.error ? ` (${job.lastRun.error})` : ''}`
        : shopT('cli.job_never');
      const next = job.nextRun ? shopT.dateTime(job.nextRun) : '-';
      process.stdout.write(
        `${shopT('cli.job_line', { name: job.name.padEnd(32), schedule: job.schedule.padEnd(16), next, last })}\n`,
      );
    }
    return 0;
  } finally {
    await core.close();
    await database.close();
  }
}

/** A scheduler status (`success`, `failed`…) in the CLI's language. */
function jobStatus(status: string, t: Translate): string {
  const key = `cli.job_status.${status}`;
  return key in catalogues.es ? t(key as MessageKey) : status;
}

async function apikeyVerb(args: string[], config: Config, log: Logger, t: Translate): Promise<number> {
  const [action, ...nameWords] = args;
  const name = nameWords.join(' ').trim();
  if (!(action === 'list' || ((action === 'create' || action === 'revoke') && name))) {
    process.stderr.write(`${t('cli.apikey_usage')}\n`);
    return 1;
  }
  return onDatabase('apikey', { config, log, t }, async (database) => {
    const apiKeys = createApiKeys({ db: database.db });
    if (action === 'create') {
      const { key } = await apiKeys.create(name);
      process.stdout.write(`${key}\n`);
      process.stderr.write(`${t('cli.apikey_store')}\n`);
    } else if (action === 'revoke') {
      const { key, changed } = await apiKeys.revoke(name);
      process.stdout.write(
        `${t(changed ? 'apikeys.revoked' : 'apikeys.revoked_already', { id: key.id, name: key.name })}\n`,
      );
    } else {
      process.stdout.write(`${apiKeyList(await apiKeys.list(), t)}\n`);
    }
    return 0;
  });
}

/** Every key with its prefix, creation, last use and state; never the key itself. */
function apiKeyList(keys: ApiKeyInfo[], t: Translate): string {
  if (keys.length === 0) return t('cli.apikey_none');
  const { columns, rows } = apiKeyTable(keys, t, t.dateTime);
  return tableLines(columns, rows).join('\n');
}

async function stockVerb(args: string[], config: Config, log: Logger, t: Translate): Promise<number> {
  if (args[0] !== 'verify') {
    process.stderr.write(`${t('cli.stock_usage')}\n`);
    return 1;
  }
  const database = await openDatabase(config, log, 'stock');
  try {
    const core = createCore({ database, config, log });
    const shopT = translator(t.locale, await core.services.settings.current());
    const problems = await core.services.inventory.verify();
    if (problems.length === 0) {
      process.stdout.write(`${shopT('stock.verify_ok')}\n`);
      return 0;
    }
    process.stdout.write(`${shopT('stock.verify_bad', { count: problems.length })}\n`);
    for (const p of problems) {
      const line = shopT('cli.stock_problem', {
        sku: p.sku,
        ...p.levels,
        ledgerTotal: p.ledger.total,
        ledgerReserved: p.ledger.reserved,
        ledgerSold: p.ledger.sold,
        pending: p.pendingReservations,
        unshipped: p.unshippedSales,
      });
      process.stdout.write(`${line}\n`);
    }
    return 1;
  } finally {
    await database.close();
  }
}

/** `whatsapp login`: links the shop's phone for WHATSAPP_MODE=web. */
async function whatsappVerb(args: string[], config: Config, _log: Logger, t: Translate): Promise<number> {
  if (args[0] !== 'login') {
    process.stderr.write(`${t('cli.verb.whatsapp')}\n`);
    return 1;
  }
  return whatsappLogin(config, t, process.stdout);
}

/** `discord register`: publishes the slash commands. */
async function discordVerb(args: string[], config: Config, log: Logger, t: Translate): Promise<number> {
  if (args[0] !== 'register') {
    process.stderr.write(`${t('cli.verb.discord')}\n`);
    return 1;
  }
  return discordRegister(config, log, t, process.stdout);
}

function printUsage(verb: string | undefined, t: Translate) {
  const out = verb === undefined || verb === 'help' || verb === '--help' ? process.stdout : process.stderr;
  if (verb && verb !== 'help' && verb !== '--help') out.write(`${t('cli.unknown_verb', { verb })}\n\n`);
  out.write(`${t('cli.usage')}\n\n`);
  for (const name of Object.keys(verbs)) out.write(`  ${name.padEnd(10)} ${t(`cli.verb.${name}` as MessageKey)}\n`);
}

/** Every verb reads `.env` from the working directory when there is one; the real environment wins. */
function loadDotEnv() {
  // process.loadEnvFile arrived in Node 20.12; older 20.x runs without .env rather than failing.
  if (existsSync('.env') && typeof process.loadEnvFile === 'function') process.loadEnvFile('.env');
}

loadDotEnv();
const code = await runCli(process.argv.slice(2), process.env);
process.exit(code);
