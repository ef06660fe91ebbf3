import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bodegaBin, childEnv, runBodega, startBodegaProcess, useTempDataDirs } from '../helpers/cli.ts';

const freshDataDir = useTempDataDirs();

/** Types the lines into `bodega chat` and answers everything it printed. */
async function chat(lines: string[], env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, [bodegaBin, 'chat'], { env: childEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stdin.write(`${[...lines, '/salir'].join('\n')}\n`);
  expect(await new Promise((resolve) => child.once('exit', resolve))).toBe(0);
  return output;
}

describe('stock and the storefront through the CLI, beside a running bodega start', () => {
  it('receive 23, sell 3, ship 3, count 20: available 20 and verify clean; a revoked API key answers 401', {
    timeout: 120_000,
  }, async () => {
    const dataDir = await freshDataDir();
    const server = await startBodegaProcess({ dataDir });
    const env = { DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
    try {
      const conversation = await chat(
        [
          '/producto agregar ENV-1 Taza azul precio:120',
          '/stock agregar ENV-1 23',
          '/reservar ENV-1 3',
          '/confirmar 1',
          '/enviar 1',
        ],
        env,
      );
      expect(conversation).toContain('✅ Reserva #1 enviada: 3 de ENV-1 salieron del total y de vendido.');
      const count = await runBodega(['run', '/stock contar ENV-1 20'], env);
      // Shipping took the 3 units out of the total, so the count finds what bodega already had.
      expect([count.code, count.stdout.trim()]).toEqual([
        0,
        'El stock de ENV-1 ya era 20: no cambié nada (reservado 0, vendido 0, disponible 20).',
      ]);
      expect((await runBodega(['stock', 'verify'], env)).code).toBe(0);

      const key = (await runBodega(['apikey', 'create', 'web shop'], env)).stdout.trim();
      const api = (path: string, init: RequestInit = {}) =>
        fetch(`${server.url}/api/v1${path}`, {
          ...init,
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...init.headers },
        });
      const hold = () =>
        api('/reservations', {
          method: 'POST',
          headers: { 'idempotency-key': 'order-1' },
          body: JSON.stringify({ sku: 'ENV-1', qty: 1 }),
        });
      const first = await hold();
      const replay = await hold();
      expect([first.status, replay.status, replay.headers.get('idempotent-replayed')]).toEqual([201, 201, 'true']);
      expect(await (await api('/stock/ENV-1')).json()).toMatchObject({
        available: 19,
        price: '120.00',
        currency: 'USD',
      });

      const listed = await runBodega(['apikey', 'list'], env);
      expect(listed.stdout).toContain('web shop');
      expect(listed.stdout).toContain(key.slice(0, 8));
      expect(listed.stdout).not.toContain(key);
      const revoked = await runBodega(['apikey', 'revoke', 'web shop'], env);
      expect(revoked.stdout).toMatch(/Clave #1 \(web shop\) revocada/);
      expect((await api('/stock/ENV-1')).status).toBe(401);
      // The replay was answered without tripping the unique index: Postgres logged no error for it.
      expect(await readFile(join(dataDir, 'postgres.log'), 'utf8')).not.toMatch(/duplicate key/);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
