import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRotatingLog } from './log-file.ts';

describe('the embedded Postgres log', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('rotates past its size limit, keeping the newest lines and one older file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bodega-log-'));
    dirs.push(dir);
    const path = join(dir, 'postgres.log');
    const log = createRotatingLog(path, 100);
    for (let line = 1; line <= 30; line++) log.write(Buffer.from(`line ${String(line).padStart(2, '0')}\n`));
    log.close();
    const current = await readFile(path, 'utf8');
    const previous = await readFile(`${path}.1`, 'utf8');
    expect(current.length).toBeLessThanOrEqual(100);
    expect(previous.length).toBeLessThanOrEqual(100);
    expect(current.trimEnd().split('\n').at(-1)).toBe('line 30');
    expect(`${previous}${current}`).toContain('line 20\nline 21');
  });
});
