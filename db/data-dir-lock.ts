import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { currentProcess, type ProcessIdentity, stillRunning } from './process-identity.ts';

/** Who holds a data directory's embedded server, written to `$DATA_DIR/bodega.lock`. */
export interface LockInfo extends ProcessIdentity {
  verb: string;
  port?: number;
}

/** Raised when `bodega start` finds another bodega already serving the data directory. */
export class DataDirInUseError extends Error {
  constructor(
    readonly holder: LockInfo,
    dataDir: string,
  ) {
    super(
      `Another bodega (${holder.verb}, pid ${holder.pid}) is already running with DATA_DIR=${dataDir}: ` +
        `${lockPath(dataDir)} names it, and that process is alive${holder.startTicks ? ' and is the one that wrote the lock' : ''}. ` +
        'Stop it first, or give this one another DATA_DIR.',
    );
    this.name = 'DataDirInUseError';
  }
}

export function lockPath(dataDir: string) {
  return join(dataDir, 'bodega.lock');
}

/** The live holder of the lock, or undefined when it is free or its holder died. */
export async function readLiveLock(dataDir: string): Promise<LockInfo | undefined> {
  const text = await readFile(lockPath(dataDir), 'utf8').catch(() => undefined);
  if (!text) return undefined;
  try {
    const info = JSON.parse(text) as LockInfo;
    return (await stillRunning(info)) ? info : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the lock atomically (O_EXCL); returns the live holder instead when someone else has it. */
export async function acquireLock(dataDir: string, verb: string): Promise<LockInfo | undefined> {
  await mkdir(dataDir, { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(lockPath(dataDir), JSON.stringify({ ...(await currentProcess()), verb }), {
        flag: 'wx',
        mode: 0o600,
      });
      return undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = await readLiveLock(dataDir);
      if (holder) return holder;
      await rm(lockPath(dataDir), { force: true }); // stale: its holder died
    }
  }
  throw new Error(`Could not take ${lockPath(dataDir)}`);
}

export async function recordPort(dataDir: string, verb: string, port: number) {
  await writeFile(lockPath(dataDir), JSON.stringify({ ...(await currentProcess()), verb, port }), { mode: 0o600 });
}

export async function releaseLock(dataDir: string) {
  const text = await readFile(lockPath(dataDir), 'utf8').catch(() => undefined);
  const holder = text ? (JSON.parse(text) as LockInfo) : undefined;
  const self = await currentProcess();
  if (holder?.pid === self.pid && holder.startTicks === self.startTicks) await rm(lockPath(dataDir), { force: true });
}

/** Waits for a holder that is still starting to publish its port. */
export async function waitForPort(dataDir: string, timeoutMs = 30_000): Promise<LockInfo | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const holder = await readLiveLock(dataDir);
    if (!holder || holder.port) return holder;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return readLiveLock(dataDir);
}
