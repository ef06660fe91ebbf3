import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { postmasterPid } from '../db/embedded.ts';
import { startBodegaProcess, tempDataDir } from '../test/helpers/cli.ts';
import { type Bench, type Figure, round, summarise } from './figures.ts';

const STARTS = 5;
const IDLE_MS = 3_000;

/** Start-to-ready on an existing data directory, and the idle memory of bodega and of its Postgres. */
export const startupBench: Bench = {
  name: 'startup',
  async run() {
    const dataDir = await tempDataDir();
    try {
      const first = await startBodegaProcess({ dataDir, env: { LOG_LEVEL: 'warn' } });
      await first.stop();
      const samples: number[] = [];
      for (let i = 0; i < STARTS; i++) {
        const began = performance.now();
        const run = await startBodegaProcess({ dataDir, env: { LOG_LEVEL: 'warn' } });
        await waitReady(run.url);
        samples.push(performance.now() - began);
        await run.stop();
      }
      const idle = await startBodegaProcess({ dataDir, env: { LOG_LEVEL: 'warn' } });
      await waitReady(idle.url);
      await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
      const bodegaPeak = await statusKb(idle.child.pid ?? 0, 'VmHWM');
      const postgresKb = await postgresRssKb(join(dataDir, 'pg'));
      await idle.stop();
      const stats = summarise(samples);
      const figures: Figure[] = [
        { bench: 'start_to_ready', value: stats.p50, unit: 'ms', ...stats, data_dir: 'existing' },
        { bench: 'idle_peak_rss_bodega', value: round(bodegaPeak / 1024, 1), unit: 'MiB', idle_ms: IDLE_MS },
        {
          bench: 'idle_rss_embedded_postgres',
          value: round(postgresKb.total / 1024, 1),
          unit: 'MiB',
          processes: postgresKb.count,
        },
      ];
      return figures;
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  },
};

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
