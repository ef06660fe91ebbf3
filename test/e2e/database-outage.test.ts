import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBodega, startBodegaProcess, useTempDataDirs } from '../helpers/cli.ts';

const freshDataDir = useTempDataDirs();

interface Answer {
  status: number;
  ms: number;
  id?: string;
}

describe('a dead embedded Postgres under load', () => {
  it('answers 503 (never 500, never a hang) while Postgres restarts, then loses no acknowledged reservation', {
    timeout: 120_000,
  }, async () => {
    const dataDir = await freshDataDir();
    const env = { DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
    const server = await startBodegaProcess({ dataDir });
    try {
      expect((await runBodega(['run', '/producto agregar OUT-1 Vaso precio:10 stock:100000'], env)).code).toBe(0);
      const key = (await runBodega(['apikey', 'create', 'checkout'], env)).stdout.trim();
      let sequence = 0;
      const reserve = async (): Promise<Answer> => {
        const started = performance.now();
        const response = await fetch(`${server.url}/api/v1/reservations`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${key}`,
            'content-type': 'application/json',
            'idempotency-key': `load-${++sequence}`,
          },
          body: JSON.stringify({ sku: 'OUT-1', qty: 1 }),
        }).catch(() => undefined);
        const body = (await response?.json().catch(() => undefined)) as { id?: string } | undefined;
        return { status: response?.status ?? 0, ms: performance.now() - started, ...(body?.id ? { id: body.id } : {}) };
      };
      const answers: Answer[] = [];
      let running = true;
      const workers = Array.from({ length: 4 }, async () => {
        while (running) answers.push(await reserve());
      });

      await until(() => answers.filter((a) => a.status === 201).length >= 20);
      const postmaster = Number((await readFile(join(dataDir, 'pg', 'postmaster.pid'), 'utf8')).split('\n')[0]);
      process.kill(postmaster, 'SIGKILL');
      const killedAt = answers.length;
      await until(() => answers.slice(killedAt).some((a) => a.status === 503));
      await until(() => answers.slice(killedAt).some((a) => a.status === 201), 30_000);
      const recoveredAt = answers.length;
      await until(() => answers.length >= recoveredAt + 20);
      running = false;
      await Promise.all(workers);

      expect(answers.filter((a) => a.status >= 500 && a.status !== 503)).toEqual([]);
      expect(answers.filter((a) => a.status === 0)).toEqual([]);
      expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(5_000);
      const health = await fetch(`${server.url}/health`);
      expect(health.status).toBe(200);
      const acknowledged = answers.filter((a) => a.status === 201).map((a) => a.id as string);
      for (const id of acknowledged) {
        // A caller told 503 tries again after Retry-After; a connection that died with the old server may still
        // answer one 503 right after recovery.
        let status = 0;
        for (let tries = 0; tries < 100 && status !== 200; tries++) {
          if (tries > 0) await new Promise((resolve) => setTimeout(resolve, 50));
          const read = await fetch(`${server.url}/api/v1/reservations/${id}`, {
            headers: { authorization: `Bearer ${key}` },
          });
          status = read.status;
          await read.arrayBuffer();
          expect([200, 503], id).toContain(status);
        }
        expect(status, id).toBe(200);
      }
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expect((await runBodega(['stock', 'verify'], env)).code).toBe(0);
  });
});

describe('an embedded Postgres that cannot come back', () => {
  it('exits non-zero once restarts are used up, so the platform restarts bodega', { timeout: 60_000 }, async () => {
    const dataDir = await freshDataDir();
    const server = await startBodegaProcess({ dataDir });
    const postmaster = Number((await readFile(join(dataDir, 'pg', 'postmaster.pid'), 'utf8')).split('\n')[0]);
    const exited = new Promise<number | null>((resolve) => server.child.once('exit', resolve));
    // The cluster loses its version file, so every restart is refused.
    await rename(join(dataDir, 'pg', 'PG_VERSION'), join(dataDir, 'PG_VERSION.moved'));
    process.kill(postmaster, 'SIGKILL');
    try {
      expect(await exited).toBe(1);
      expect(server.output()).toContain('cannot recover by itself');
    } finally {
      await rename(join(dataDir, 'PG_VERSION.moved'), join(dataDir, 'pg', 'PG_VERSION'));
    }
  });
});

/** Waits (in short steps) until `condition` holds; fails the test after `timeoutMs`. */
async function until(condition: () => boolean, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
