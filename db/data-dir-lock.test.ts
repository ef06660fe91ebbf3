import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireLock, lockPath, releaseLock } from './data-dir-lock.ts';
import { currentProcess } from './process-identity.ts';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function dataDirWithLock(holder: object) {
  const dir = await mkdtemp(join(tmpdir(), 'bodega-lock-'));
  dirs.push(dir);
  await writeFile(lockPath(dir), JSON.stringify({ verb: 'start', ...holder }));
  return dir;
}

/** A zombie: a child of `sleep`, which never reaps it. Answers its pid and a way to end both. */
async function zombie(): Promise<{ pid: number; end(): void }> {
  const parent = spawn('sh', ['-c', 'sleep 0.05 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const pid = await new Promise<number>((resolve) => parent.stdout.once('data', (chunk) => resolve(Number(chunk))));
  for (let tries = 0; tries < 100; tries++) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { pid, end: () => parent.kill('SIGKILL') };
}

describe('the DATA_DIR lock', () => {
  it('takes over a lock that names this very pid from an earlier life (pid 1 again in a new container)', async () => {
    const dir = await dataDirWithLock({ pid: process.pid, bootId: 'an-earlier-boot', startTicks: '1' });
    expect(await acquireLock(dir, 'start')).toBeUndefined();
    expect(JSON.parse(await readFile(lockPath(dir), 'utf8'))).toMatchObject(await currentProcess());
    await releaseLock(dir);
    await expect(readFile(lockPath(dir))).rejects.toThrow();
  });

  it('takes over a lock whose process is a zombie', async () => {
    const dead = await zombie();
    try {
      const dir = await dataDirWithLock({ pid: dead.pid });
      expect(await acquireLock(dir, 'start')).toBeUndefined();
    } finally {
      dead.end();
    }
  });

  it('takes over a lock whose pid now belongs to another process, started after the lock was written', async () => {
    const other = spawn('sleep', ['30']);
    try {
      const dir = await dataDirWithLock({ pid: other.pid, startTicks: '1' });
      expect(await acquireLock(dir, 'start')).toBeUndefined();
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('refuses while the process that wrote the lock still runs', async () => {
    const alive = spawn('sleep', ['30']);
    try {
      const stat = await readFile(`/proc/${alive.pid}/stat`, 'utf8');
      const startTicks = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
      const dir = await dataDirWithLock({ pid: alive.pid, startTicks });
      expect(await acquireLock(dir, 'start')).toMatchObject({ pid: alive.pid, verb: 'start' });
    } finally {
      alive.kill('SIGKILL');
    }
  });
});
