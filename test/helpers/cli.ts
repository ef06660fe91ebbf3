import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { connect } from '../../db/client.ts';
import { configVariables } from '../../src/config.ts';

export const bodegaBin = fileURLToPath(new URL('../../src/bodega.js', import.meta.url));
/** What `npm start` and the Docker image run: the bundle `npm run build` writes (plain JavaScript, no loader). */
export const builtBin = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export interface BodegaProcess {
  child: ChildProcess;
  url: string;
  port: number;
  dataDir: string;
  output(): string;
  /** Sends the signal and resolves with the exit code (null if killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export async function tempDataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'bodega-data-'));
}

/** Fresh data directories for a test file, removed after its tests. */
export function useTempDataDirs(): () => Promise<string> {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });
  return async () => {
    const dir = await tempDataDir();
    dirs.push(dir);
    return dir;
  };
}

/** The environment of a child bodega: ours without any bodega variable, plus the given ones. */
export function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const name of configVariables) delete base[name];
  return { ...base, LOG_LEVEL: 'info', ...env };
}

/** Runs one `bodega` verb to completion (in `cwd`, where a `.env` may wait, when given). */
export async function runBodega(
  args: string[],
  env: Record<string, string>,
  options: { timeoutMs?: number; cwd?: string } = {},
) {
  const child = spawn(process.execPath, [bodegaBin, ...args], {
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** Starts `bodega start` as a child process and waits until `/health` answers 200. */
export async function startBodegaProcess(
  options: { env?: Record<string, string>; dataDir?: string; port?: number; cwd?: string; bin?: string } = {},
): Promise<BodegaProcess> {
  const port = options.port ?? (await freePort());
  const dataDir = options.dataDir ?? (await tempDataDir());
  const child = spawn(process.execPath, [options.bin ?? bodegaBin, 'start'], {
    env: childEnv({ PORT: String(port), DATA_DIR: dataDir, ...options.env }),
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(url, exited, () => output);
  return {
    child,
    url,
    port,
    dataDir,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

async function waitForHealth(url: string, exited: Promise<number | null>, output: () => string, timeoutMs = 30_000) {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gone) throw new Error(`bodega exited before it was healthy:\n${output()}`);
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`bodega was not healthy after ${timeoutMs} ms:\n${output()}`);
}

/** A connection to the embedded database that a running `bodega start` holds (for seeding test data). */
export async function databaseOfRunning(dataDir: string) {
  const lock = JSON.parse(await readFile(join(dataDir, 'bodega.lock'), 'utf8')) as { port: number };
  const password = (await readFile(join(dataDir, 'pg-password'), 'utf8')).trim();
  return connect(`postgres://bodega:${encodeURIComponent(password)}@127.0.0.1:${lock.port}/postgres`, 'external', 2);
}
