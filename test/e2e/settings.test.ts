import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBodega, startBodegaProcess, useTempDataDirs } from '../helpers/cli.ts';

const freshDir = useTempDataDirs();

describe("the shop's settings, shared by every process", () => {
  it('reads .env, seeds the shop once, and a change from chat reaches every reply', { timeout: 90_000 }, async () => {
    const shop = await freshDir();
    const dataDir = shop;
    // The real environment wins over .env: DATA_DIR comes from the environment, the currency from the file.
    await writeFile(join(shop, '.env'), 'BODEGA_CURRENCY=MXN\nDATA_DIR=/nowhere/else\n');
    const env = { DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
    const server = await startBodegaProcess({ dataDir, cwd: shop });
    try {
      const added = await runBodega(['run', '/producto agregar TZ-1 Taza azul precio:120 stock:5'], env, { cwd: shop });
      expect(added.stdout).toContain('$120.00 MXN');
      // Another directory (no .env): the shop's currency still comes from the database the server seeded.
      const elsewhere = await runBodega(['run', '/producto agregar TZ-2 Plato precio:80'], env);
      expect(elsewhere.stdout).toContain('$80.00 MXN');

      const before = await runBodega(['run', '/reservar TZ-1 1'], env);
      expect(before.stdout).toMatch(/hasta el .*\d{2}:\d{2} UTC/);
      expect((await runBodega(['run', '/ajustes zona America/Mexico_City'], env)).code).toBe(0);
      const after = await runBodega(['run', '/reservar TZ-1 1'], env);
      expect(after.stdout).toMatch(/\d{2}:\d{2} (CST|CDT)/);
      expect((await runBodega(['run', '/ajustes moneda XYZ'], env)).stdout).toContain(
        '«XYZ» no es una moneda ISO 4217',
      );
      const edited = await runBodega(['run', '/producto editar TZ-2 moneda:USD'], env);
      expect(edited.code).toBe(0);
      expect((await runBodega(['run', '/producto ver TZ-2'], env)).stdout).toContain('$80.00 USD');
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
