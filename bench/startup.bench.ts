import { execFileSync } from 'node:child_process';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { postmasterPid } from '../db/embedded.ts';
import { bodegaBin, builtBin, startBodegaProcess, tempDataDir } from '../test/helpers/cli.ts';
import { type Bench, type Figure, round, summarise } from './figures.ts';

const STARTS = 5;
const IDLE_MS = 3_000;

/**
 * Start-to-ready on an existing data directory, and the idle memory of bodega and of its Postgres, as `npm start`
 * runs it (the built bundle); the same through the TypeScript loader (`npx bodega start`) for comparison.
 */
export const startupBench: Bench = {
  name: 'startup',
  async run() {
    execFileSync('npm', ['run', 'build', '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
    const dataDir = await tempDataDir();
    const env = { LOG_LEVEL: 'warn' };
    try {
      const first = await startBodegaProcess({ dataDir, env, bin: builtBin });
      await first.stop();
      const samples: number[] = [];
      for (let i = 0; i < STARTS; i++) {
        const began = performance.now();
        const run = await startBodegaProcess({ dataDir, env, bin: builtBin });
        await waitReady(run.url);
        samples.push(performance.now() - began);
        await run.stop();
      }
      const built = await idleMemory(dataDir, builtBin);
      const loader = await idleMemory(dataDir, bodegaBin);
      const stats = summarise(samples);
      const figures: Figure[] = [
        { bench: 'start_to_ready', value: stats.p50, unit: 'ms', ...stats, data_dir: 'existing' },
        { bench: 'idle_peak_rss_bodega', value: round(built.bodegaKb / 1024, 1), unit: 'MiB', idle_ms: IDLE_MS },
        {
          bench: 'idle_peak_rss_bodega_tsx_loader',
          value: round(loader.bodegaKb / 1024, 1),
          unit: 'MiB',
          idle_ms: IDLE_MS,
          note: 'npx bodega start (TypeScript loaded at run time), for comparison',
        },
        {
          bench: 'idle_rss_embedded_postgres',
          value: round(built.postgres.total / 1024, 1),
          unit: 'MiB',
          processes: built.postgres.count,
        },
      ];
      return figures;
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  },
};

/** Peak RSS of an idle `bodega start` run from `bin`, and the RSS of its embedded Postgres. */
async function idleMemory(dataDir: string, bin: string) {
  const idle = await startBodegaProcess({ dataDir, env: { LOG_LEVEL: 'warn' }, bin });
  try {
    await waitReady(idle.url);
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    return {
      bodegaKb: await statusKb(idle.child.pid ?? 0, 'VmHWM'),
      postgres: await postgresRssKb(join(dataDir, 'pg')),
    };
  } finally {
    await idle.stop();
  }
}

async function waitReady(url: string) {
  for (let i = 0; i < 300; i++) {
    if (
      (await fetch(`${url}/health/ready`).then(
        (r) => r.status,
        () => 0,
      )) === 200
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('bodega never became ready');
}

async function statusKb(pid: number, field: string): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
  return match ? Number(match[1]) : Number.NaN;
}

/** RSS of the postmaster and every process it forked (checkpointer, walwriter, backends...). */
async function postgresRssKb(clusterDir: string) {
  const root = await postmasterPid(clusterDir);
  let total = 0;
  let count = 0;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const status = await readFile(`/proc/${entry}/status`, 'utf8').catch(() => '');
    const ppid = Number(status.match(/^PPid:\s+(\d+)/m)?.[1]);
    if (Number(entry) === root || ppid === root) {
      total += Number(status.match(/^VmRSS:\s+(\d+) kB/m)?.[1] ?? 0);
      count++;
    }
  }
  return { total, count };
}
