import { DataDirInUseError } from '../db/data-dir-lock.ts';
import { errorText } from './chat/error-text.ts';
import { tableLines } from './chat/table-text.ts';
import { apiKeyTable } from './commands/apikeys.ts';
import { type Config, ConfigError, type LogLevel, loadConfig, secretValues } from './config.ts';
import { chat, runOnce } from './console-session.ts';
import { createCore, createJobScheduler, openDatabase } from './core.ts';
import { type ApiKeyInfo, createApiKeys } from './domain/apikeys/index.ts';
import { isAppError } from './errors.ts';
import { type Translate, translator } from './i18n/index.ts';
import { createLogger, type Logger, type LoggerSettings } from './logger.ts';
import { type RunningBodega, startBodega } from './main.ts';

const SHUTDOWN_LIMIT_MS = 10_000;

type Verb = (args: string[], config: Config, log: Logger) => Promise<number>;

const verbs: Record<string, { run: Verb; help: string }> = {
  start: { run: start, help: 'HTTP, jobs and every configured bot; embedded Postgres when DATABASE_URL is unset' },
  migrate: { run: migrate, help: 'apply pending database migrations' },
  chat: { run: chatVerb, help: 'the chat commands in this terminal, as the owner' },
  run: { run: runVerb, help: 'run one command line, e.g. bodega run "/stock"; exit code 1 on error' },
  job: { run: jobVerb, help: 'job list | job run <name>: scheduled jobs and their last runs' },
  apikey: {
    run: apikeyVerb,
    help: 'apikey create <name> | list | revoke <name|id>: storefront API keys (a key is printed only once)',
  },
  stock: { run: stockVerb, help: 'stock verify: check levels against the ledger and reservations' },
};

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
  if (!entry) {
    printUsage(verb);
    return verb === undefined || verb === 'help' || verb === '--help' ? 0 : 1;
  }
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n\nSee .env.example for every variable and its format.\n`);
      return 1;
    }
    throw error;
  }
  const log = createLogger(loggerSettings(verb as string, config));
  try {
    return await entry.run(args, config, log);
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
  // Signals are taken before anything starts, so a SIGTERM during start-up still stops Postgres cleanly.
  const signal = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  const bodega = await startBodega(config, log);
  printOwnerCode(bodega.ownerCode, config);
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
function printOwnerCode(owner: RunningBodega['ownerCode'], config: Config) {
  if (!owner) return;
  const t = translator(config.locale);
  if (!config.telegram && !config.discord && !config.whatsapp) {
    process.stdout.write(`\n${t('cli.owner_code_no_platform')}\n\n`);
    return;
  }
  const changed = owner.changed ? `${t('cli.owner_code_changed')}\n` : '';
  process.stdout.write(`\n${changed}${t('cli.owner_code', { code: owner.code })}\n\n`);
}

async function migrate(_args: string[], config: Config, log: Logger): Promise<number> {
  const database = await openDatabase(config, log, 'migrate');
  await database.close();
  process.stdout.write('Database is up to date.\n');
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

async function runVerb(args: string[], config: Config, log: Logger): Promise<number> {
  const line = args.join(' ').trim();
  if (!line) {
    process.stderr.write('Usage: bodega run "<command line>"   e.g. bodega run "/ayuda"\n');
    return 1;
  }
  const database = await openDatabase(config, log, 'run');
  try {
    return await runOnce(line, database, config, log);
  } finally {
    await database.close();
  }
}

async function jobVerb(args: string[], config: Config, log: Logger): Promise<number> {
  const [action, name] = args;
  if (action !== 'list' && !(action === 'run' && name)) {
    process.stderr.write('Usage: bodega job list | bodega job run <name>\n');
    return 1;
  }
  const database = await openDatabase(config, log, 'job');
  const core = createCore({ database, config, log });
  const scheduler = createJobScheduler(core, database, config, log);
  try {
    const known = (await scheduler.list()).map((job) => job.name);
    if (action === 'run' && !known.includes(name as string)) {
      process.stderr.write(`Unknown job: ${name}. Known jobs: ${known.join(', ')}\n`);
      return 1;
    }
    if (action === 'run') {
      const status = await scheduler.runNow(name as string);
      process.stdout.write(`${name}: ${status}\n`);
      return status === 'failed' ? 1 : 0;
    }
    for (const job of await scheduler.list()) {
      const last = job.lastRun
        ? `${job.lastRun.status} at ${job.lastRun.startedAt.toISOString()}${job.lastRun.error ? ` (${job.lastRun.error})` : ''}`
        : 'never run';
      process.stdout.write(
        `${job.name.padEnd(32)} ${job.schedule.padEnd(16)} next ${job.nextRun?.toISOString() ?? '-'}  last ${last}\n`,
      );
    }
    return 0;
  } finally {
    await core.close();
    await database.close();
  }
}

async function apikeyVerb(args: string[], config: Config, log: Logger): Promise<number> {
  const [action, ...nameWords] = args;
  const name = nameWords.join(' ').trim();
  const say = translator(config.locale);
  if (!(action === 'list' || ((action === 'create' || action === 'revoke') && name))) {
    process.stderr.write(`${say('cli.apikey_usage')}\n`);
    return 1;
  }
  const database = await openDatabase(config, log, 'apikey');
  try {
    const apiKeys = createApiKeys({ db: database.db });
    if (action === 'create') {
      const { key } = await apiKeys.create(name);
      process.stdout.write(`${key}\n`);
      process.stderr.write(`${say('cli.apikey_store')}\n`);
    } else if (action === 'revoke') {
      const { key, changed } = await apiKeys.revoke(name);
      process.stdout.write(
        `${say(changed ? 'apikeys.revoked' : 'apikeys.revoked_already', { id: key.id, name: key.name })}\n`,
      );
    } else {
      process.stdout.write(`${apiKeyList(await apiKeys.list(), config, say)}\n`);
    }
    return 0;
  } catch (error) {
    if (!isAppError(error)) throw error;
    process.stderr.write(`${errorText(error, say)}\n`);
    return 1;
  } finally {
    await database.close();
  }
}

/** Every key with its prefix, creation, last use and state; never the key itself. */
function apiKeyList(keys: ApiKeyInfo[], config: Config, say: Translate): string {
  if (keys.length === 0) return say('cli.apikey_none');
  const when = new Intl.DateTimeFormat(config.locale === 'es' ? 'es-MX' : 'en-US', {
    timeZone: config.timezone,
    dateStyle: 'medium',
    timeStyle: 'short',
  });
  const { columns, rows } = apiKeyTable(keys, say, (at) => when.format(at));
  return tableLines(columns, rows).join('\n');
}

async function stockVerb(args: string[], config: Config, log: Logger): Promise<number> {
  if (args[0] !== 'verify') {
    process.stderr.write('Usage: bodega stock verify\n');
    return 1;
  }
  const database = await openDatabase(config, log, 'stock');
  try {
    const problems = await createCore({ database, config, log }).services.inventory.verify();
    if (problems.length === 0) {
      process.stdout.write('Stock matches the ledger and the live reservations.\n');
      return 0;
    }
    for (const p of problems) {
      process.stdout.write(
        `${p.sku}: levels total=${p.levels.total} reserved=${p.levels.reserved} sold=${p.levels.sold}; ` +
          `ledger total=${p.ledger.total} reserved=${p.ledger.reserved} sold=${p.ledger.sold}; ` +
          `pending reservations=${p.pendingReservations}; unshipped sales=${p.unshippedSales}\n`,
      );
    }
    return 1;
  } finally {
    await database.close();
  }
}

function printUsage(verb: string | undefined) {
  const out = verb === undefined || verb === 'help' || verb === '--help' ? process.stdout : process.stderr;
  if (verb && verb !== 'help' && verb !== '--help') out.write(`Unknown command: ${verb}\n\n`);
  out.write('Usage: bodega <command>\n\n');
  for (const [name, { help }] of Object.entries(verbs)) out.write(`  ${name.padEnd(10)} ${help}\n`);
}

const code = await runCli(process.argv.slice(2), process.env);
process.exit(code);
