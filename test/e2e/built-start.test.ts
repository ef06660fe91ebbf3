import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { builtBin, startBodegaProcess, useTempDataDirs } from '../helpers/cli.ts';

const freshDataDir = useTempDataDirs();

describe('the built bundle (what npm start and the Docker image run)', () => {
  it('builds, migrates a fresh data directory, serves health and stops cleanly, with no TypeScript loader', async () => {
    await promisify(execFile)('npm', ['run', 'build', '--silent'], { cwd: new URL('../..', import.meta.url) });
    const run = await startBodegaProcess({ dataDir: await freshDataDir(), bin: builtBin });
    try {
      const ready = await fetch(`${run.url}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ checks: { database: 'ok', jobs: 'ok' } });
    } finally {
      expect(await run.stop('SIGTERM')).toBe(0);
    }
    expect(run.output()).not.toMatch(/ERR_|Cannot find/);
  });
});
