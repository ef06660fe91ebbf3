import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { type ConsoleAdapter, createConsoleAdapter } from '../bots/console/console.ts';
import type { Database } from '../db/client.ts';
import type { Config } from './config.ts';
import { type Core, createCore, createWorkers } from './core.ts';
import { createUsage } from './domain/usage/index.ts';
import { pickLocale, t } from './i18n/index.ts';
import type { Logger } from './logger.ts';

/** A console conversation as the owner: its own chat id, its own outbox and task workers. */
async function openSession(database: Database, config: Config, log: Logger) {
  const core = createCore({ database, config, log });
  await core.services.people.ensureConsoleOwner();
  // One terminal chat for the operator, so what it saves (filters, alerts) keeps reaching the terminal next time.
  const chatId = 'console';
  const adapter = createConsoleAdapter({
    router: core.router,
    tasks: core.services.tasks,
    write: (text) => process.stdout.write(text),
    filesDir: join(config.dataDir, 'files'),
    chatId,
  });
  return { core, adapter, chatId };
}

/**
 * `bodega run "<command line>"`: one command; waits for a long job it starts, and delivers whatever else
 * is waiting for the terminal chat (alerts queued by jobs since the last session). Answers the exit code.
 */
export async function runOnce(line: string, database: Database, config: Config, log: Logger): Promise<number> {
  const { core, adapter, chatId } = await openSession(database, config, log);
  const workers = createWorkers(core, database, log, [adapter], { chatIds: [chatId] });
  try {
    const result = await adapter.handleLine(line);
    workers.start();
    const status = result.taskId === undefined ? undefined : await waitForTask(core, result.taskId);
    await workers.dispatcher.drainAll();
    if (result.taskId === undefined) return result.error ? 1 : 0;
    return status === 'success' ? 0 : 1;
  } finally {
    await workers.stop();
    await keepCommandCounts(core, database);
    await core.close();
  }
}

/** This process's command counts die with it; they are added to the database, where the server's /metrics reads them. */
async function keepCommandCounts(core: Core, database: Database) {
  const { values } = await core.metrics.commands.get();
  const counts = values.map(({ labels, value }) => ({
    command: String(labels.command),
    platform: String(labels.platform),
    outcome: String(labels.outcome),
    count: value,
  }));
  await createUsage({ db: database.db }).add(counts);
}

async function waitForTask(core: Core, taskId: number) {
  for (;;) {
    const task = await core.services.tasks.get(taskId);
    if (!task || ['success', 'failed', 'cancelled'].includes(task.status)) return task?.status;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** `bodega chat`: an interactive session as the owner until end of input or /exit. */
export async function chat(database: Database, config: Config, log: Logger): Promise<number> {
  const { core, adapter, chatId } = await openSession(database, config, log);
  const workers = createWorkers(core, database, log, [adapter], { chatIds: [chatId] });
  workers.start();
  const owner = await core.services.people.findByIdentity('console:owner');
  process.stdout.write(`${t(pickLocale(owner?.locale, undefined, config.locale), 'console.greeting')}\n`);
  // Created after every await: lines typed before the loop starts would otherwise be lost.
  const lines = createInterface({ input: process.stdin, output: process.stdout, prompt: 'bodega> ' });
  lines.prompt();
  for await (const line of lines) {
    if (['/exit', '/salir', 'exit', 'salir'].includes(line.trim())) break;
    if (line.trim()) await handleSafely(adapter, line, log);
    lines.prompt();
  }
  lines.close();
  await workers.dispatcher.drainAll();
  await workers.stop();
  await keepCommandCounts(core, database);
  await core.close();
  return 0;
}

async function handleSafely(adapter: ConsoleAdapter, line: string, log: Logger) {
  try {
    await adapter.handleLine(line);
  } catch (error) {
    log.error({ err: error }, 'console command failed');
  }
}
