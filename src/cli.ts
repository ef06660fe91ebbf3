import { existsSync } from 'node:fs';
import { DataDirInUseError } from '../db/data-dir-lock.ts';
import { errorText } from './chat/error-text.ts';
import { type Config, ConfigError, loadConfig, secretValues } from './config.ts';
import { chat, runOnce } from './console-session.ts';
import { createApiKeys } from './domain/apikeys/index.ts';
import { isAppError } from './errors.ts';
import { catalogues, defaultRegion, type MessageKey, type Translate, translator } from './i18n/index.ts';
import { createLogger, type Logger } from './logger.ts';
import { createCore, createJobScheduler, openDatabase, startBodega } from './main.ts';

const SHUTDOWN_LIMIT_MS = 10_000;

type Verb = (args: string[], config: Config, log: Logger, t: Translate) => Promise<number>;

const verbs: Record<string, Verb> = {
  start,
  migrate,
  chat: chatVerb,
  run: runVerb,
  job: jobVerb,
  apikey: apikeyVerb,
  stock: stockVerb,
};

/** The language of the CLI's own words: BODEGA_LOCALE, read leniently so even a bad configuration is explained in it. */
function cliTranslator(env: Record<string, string | undefined>): Translate {
  return translator(env.BODEGA_LOCALE?.trim().toLowerCase().startsWith('en') ? 'en' : 'es');
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
  const log = createLogger({
    level: config.logLevel,
    pretty: Boolean(process.stdout.isTTY),
    secrets: secretValues(config),
  });
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

async function start(_args: string[], config: Config, log: Logger): Promise<number> {
  const bodega = await startBodega(config, log);
  if (bodega.ownerCode) {
    process.stdout.write(
      `\nNo owner is linked yet. In Telegram, Discord or WhatsApp, send:  /start ${bodega.ownerCode}\n` +
        `Aún no hay dueño vinculado. En Telegram, Discord o WhatsApp, envía:  /inicio ${bodega.ownerCode}\n\n`,
    );
  }
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  log.info({ signal }, 'shutting down');
  const limit = setTimeout(() => {
    log.error({ limitMs: SHUTDOWN_LIMIT_MS }, 'shutdown took too long; exiting');
    process.exit(1);
  }, SHUTDOWN_LIMIT_MS);
  limit.unref();
  await bodega.stop();
  log.info('stopped');
  return 0;
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
  if (action !== 'create' || !name) {
    process.stderr.write(`${t('cli.apikey_usage')}\n`);
    return 1;
  }
  const database = await openDatabase(config, log, 'apikey');
  try {
    const { key } = await createApiKeys({ db: database.db }).create(name);
    process.stdout.write(`${key}\n`);
    process.stderr.write(`${t('cli.apikey_store')}\n`);
    return 0;
  } catch (error) {
    if (!isAppError(error)) throw error;
    process.stderr.write(`${errorText(error, t)}\n`);
    return 1;
  } finally {
    await database.close();
  }
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
      });
      process.stdout.write(`${line}\n`);
    }
    return 1;
  } finally {
    await database.close();
  }
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
