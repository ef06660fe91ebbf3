import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAlive, postmasterPid } from '../../db/embedded.ts';
import { runBodega, startBodegaProcess, useTempDataDirs } from '../helpers/cli.ts';
import { useTestDatabase } from '../helpers/database.ts';

const freshDataDir = useTempDataDirs();

/** Waits (polling, up to 10 s) until `done` holds. */
async function until(done: () => boolean) {
  for (let waited = 0; !done(); waited += 10) {
    if (waited > 10_000) throw new Error('waited 10 s in vain');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function readyOf(url: string) {
  const response = await fetch(`${url}/health/ready`);
  return { status: response.status, body: (await response.json()) as { checks: Record<string, string> } };
}

describe('bodega start with the embedded database', () => {
  it('serves health, shares its server with other verbs, refuses a second start and stops cleanly', async () => {
    const dataDir = await freshDataDir();
    const first = await startBodegaProcess({ dataDir });
    try {
      expect(await readyOf(first.url)).toMatchObject({ status: 200, body: { checks: { database: 'ok' } } });
      expect(first.output()).toContain('creating embedded postgres cluster');

      const second = await runBodega(['start'], { DATA_DIR: dataDir, PORT: '1' });
      expect(second.code).toBe(1);
      expect(second.stderr).toContain(
        `Another bodega (start, pid ${first.child.pid}) is already running with DATA_DIR=${dataDir}`,
      );

      const migrate = await runBodega(['migrate'], { DATA_DIR: dataDir });
      expect(migrate.code).toBe(0);
      expect(migrate.stdout).toContain('La base de datos está al día.');
    } finally {
      const started = Date.now();
      const postgresPid = await postmasterPid(join(dataDir, 'pg'));
      expect(await first.stop('SIGTERM')).toBe(0);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(postgresPid && isAlive(postgresPid)).toBe(false);
      expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
    }

    const again = await startBodegaProcess({ dataDir });
    expect(again.output()).not.toContain('creating embedded postgres cluster');
    expect((await readyOf(again.url)).status).toBe(200);
    expect(await again.stop('SIGINT')).toBe(0);
  });

  it('exits at once on a second signal while it stops, and still stops Postgres', async () => {
    const dataDir = await freshDataDir();
    const run = await startBodegaProcess({ dataDir });
    const postgresPid = await postmasterPid(join(dataDir, 'pg'));
    expect(postgresPid).toBeTruthy();
    // A request whose headers never finish keeps the server (and so the stop) waiting for seconds.
    const hanging = connect(Number(new URL(run.url).port), '127.0.0.1');
    hanging.on('error', () => {});
    await new Promise((resolve) => hanging.once('connect', resolve));
    hanging.write('GET /health HTTP/1.1\r\nHost: bodega\r\n');
    run.child.kill('SIGTERM');
    await until(() => run.output().includes('shutting down'));
    await new Promise((resolve) => setTimeout(resolve, 700));
    run.child.kill('SIGINT');
    expect(await run.stop()).toBe(1);
    hanging.destroy();
    expect(run.output()).toContain('second signal while shutting down; exiting now');
    expect(run.output()).not.toContain('"msg":"stopped"');
    await until(() => !isAlive(postgresPid as number));
  });

  it('takes a Ctrl-C that arrives twice at once (terminal and npm) as one, and stops cleanly', async () => {
    const dataDir = await freshDataDir();
    const run = await startBodegaProcess({ dataDir });
    run.child.kill('SIGINT');
    run.child.kill('SIGINT');
    expect(await run.stop()).toBe(0);
    expect(run.output()).not.toContain('second signal');
    expect(run.output()).toContain('"msg":"stopped"');
  });

  it('recovers when an earlier bodega was killed and left Postgres running', async () => {
    const dataDir = await freshDataDir();
    const crashed = await startBodegaProcess({ dataDir });
    const orphan = await postmasterPid(join(dataDir, 'pg'));
    expect(await crashed.stop('SIGKILL')).toBeNull();
    expect(orphan && isAlive(orphan)).toBe(true);

    const next = await startBodegaProcess({ dataDir });
    expect(next.output()).toContain('stopping embedded postgres left running by an earlier process');
    expect((await readyOf(next.url)).status).toBe(200);
    expect(await next.stop()).toBe(0);
    expect(orphan && isAlive(orphan)).toBe(false);
  });

  it('starts over a stale lock: pid 1 of an earlier container, or a zombie', async () => {
    // A container restarted after kill -9: the lock names pid 1, which now runs something else, started later.
    const restarted = await freshDataDir();
    await mkdir(restarted, { recursive: true });
    await writeFile(join(restarted, 'bodega.lock'), JSON.stringify({ pid: 1, verb: 'start', startTicks: '1' }));
    const first = await startBodegaProcess({ dataDir: restarted });
    expect(await first.stop()).toBe(0);

    const parent = spawn('sh', ['-c', 'sleep 0.05 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const zombie = await new Promise<number>((resolve) =>
        parent.stdout.once('data', (chunk) => resolve(Number(chunk))),
      );
      const haunted = await freshDataDir();
      await writeFile(join(haunted, 'bodega.lock'), JSON.stringify({ pid: zombie, verb: 'start' }));
      const second = await startBodegaProcess({ dataDir: haunted });
      expect(await second.stop()).toBe(0);
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it('says which directory keeps the postgres user from DATA_DIR, instead of failing inside initdb', async () => {
    const closed = await freshDataDir(); // made 0700 by mkdtemp
    const result = await runBodega(['start'], { DATA_DIR: join(closed, 'data') });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${closed} does not let other users through`);
    expect(result.stdout).toContain(`chmod o+x ${closed}`);
  });

  it('generates the encryption key once and keeps it', async () => {
    const dataDir = await freshDataDir();
    const run = await startBodegaProcess({ dataDir });
    await run.stop();
    const key = await readFile(join(dataDir, 'encryption.key'), 'utf8');
    expect(Buffer.from(key.trim(), 'base64')).toHaveLength(32);
    const rerun = await startBodegaProcess({ dataDir });
    await rerun.stop();
    expect(await readFile(join(dataDir, 'encryption.key'), 'utf8')).toBe(key);
  });
});

describe('bodega start with DATABASE_URL', () => {
  const database = useTestDatabase();

  it('uses that server and starts no embedded one', async () => {
    const dataDir = await freshDataDir();
    const run = await startBodegaProcess({ dataDir, env: { DATABASE_URL: database().url } });
    try {
      expect((await readyOf(run.url)).status).toBe(200);
      expect(run.output()).toContain('"database":"external"');
      expect(existsSync(join(dataDir, 'pg'))).toBe(false);
    } finally {
      expect(await run.stop()).toBe(0);
    }
  });
});

describe('bodega configuration errors', () => {
  it('stops start with exit code 1 naming the bad variable', async () => {
    const result = await runBodega(['start'], { PORT: 'eighty', BODEGA_LOCALE: 'fr' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('PORT: must be a whole number (got "eighty")');
    expect(result.stderr).toContain('BODEGA_LOCALE: must be es or en, optionally with a country');
    expect(result.stderr).toContain('La configuración no es válida:');
  });

  it('rejects an unknown verb with the usage', async () => {
    const result = await runBodega(['launch'], {});
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('No conozco el comando «launch».');
    expect(result.stderr).toContain('migrate');
  });
});
