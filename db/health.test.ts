import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { quietLog } from '../test/helpers/database-url.ts';
import { connect } from './client.ts';
import { startEmbeddedPostgres } from './embedded.ts';

describe('database health with an external server (DATABASE_URL)', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('goes down when the server goes away and comes back up by itself when it returns', {
    timeout: 60_000,
  }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'bodega-external-'));
    dirs.push(dataDir);
    const first = await startEmbeddedPostgres({ dataDir, log: quietLog });
    const database = connect(first.url, 'external', 2);
    try {
      await database.sql`select 1`;
      expect(database.health.state()).toBe('up');
      await first.stop();
      const error = await database.sql`select 1`.then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect(database.health.classify(error)).toBe('outage');
      expect(database.health.state()).toBe('down');
      const second = await startEmbeddedPostgres({ dataDir, port: first.port, log: quietLog });
      try {
        const deadline = Date.now() + 20_000;
        while (database.health.state() !== 'up' && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        expect(database.health.state()).toBe('up');
        expect(await database.sql`select 1 as one`).toEqual([{ one: 1 }]);
      } finally {
        await database.close();
        await second.stop();
      }
    } catch (error) {
      await database.close();
      throw error;
    }
  });
});
