import { readFile } from 'node:fs/promises';
import { isAlive } from './embedded.ts';

/**
 * What tells one process from another that later got the same pid: the boot it runs in and its start time
 * (from /proc on Linux). Elsewhere both are undefined and only the pid is known.
 */
export interface ProcessIdentity {
  pid: number;
  bootId?: string | undefined;
  startTicks?: string | undefined;
}

/** This process, as a lock records it. */
export async function currentProcess(): Promise<ProcessIdentity> {
  const { bootId, startTicks } = await procFacts(process.pid);
  return { pid: process.pid, ...(bootId ? { bootId } : {}), ...(startTicks ? { startTicks } : {}) };
}

/**
 * Whether the process a lock names still runs: not this process, alive and not a zombie, and (where /proc tells)
 * the same boot and start time. A pid reused after a crash or a reboot (pid 1 in every container) is not it.
 */
export async function stillRunning(holder: ProcessIdentity): Promise<boolean> {
  if (!Number.isInteger(holder.pid) || holder.pid <= 0 || holder.pid === process.pid) return false;
  if (!isAlive(holder.pid)) return false;
  const now = await procFacts(holder.pid);
  if (now.state === 'Z' || now.state === 'X') return false;
  if (holder.bootId && now.bootId && holder.bootId !== now.bootId) return false;
  if (holder.startTicks && now.startTicks && holder.startTicks !== now.startTicks) return false;
  return true;
}

async function procFacts(pid: number): Promise<{ bootId?: string; startTicks?: string; state?: string }> {
  const [stat, bootId] = await Promise.all([
    readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined),
    readFile('/proc/sys/kernel/random/boot_id', 'utf8').catch(() => undefined),
  ]);
  // Fields after the command name (which may hold spaces and parentheses): state is the 3rd, start time the 22nd.
  const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    ...(bootId ? { bootId: bootId.trim() } : {}),
    ...(fields?.[19] ? { startTicks: fields[19] } : {}),
    ...(fields?.[0] ? { state: fields[0] } : {}),
  };
}
