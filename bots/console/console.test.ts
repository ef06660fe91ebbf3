import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createCore, createWorkers } from '../../src/core.ts';
import { createLogger } from '../../src/logger.ts';
import { createTestDatabase } from '../../test/helpers/database.ts';
import { adapterContract, type ContractHarness, type Seen } from '../core/contract.ts';
import { contractCommands, contractTasks } from '../core/contract-commands.ts';
import { createConsoleAdapter } from './console.ts';

let harness: ContractHarness;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const database = await createTestDatabase();
  const filesDir = await mkdtemp(join(tmpdir(), 'bodega-console-files-'));
  const log = createLogger({ level: 'silent', pretty: false });
  const core = createCore({
    database,
    config: loadConfig({}),
    log,
    extraCommands: contractCommands,
    extraTasks: contractTasks,
  });
  const owner = await core.services.people.ensureConsoleOwner();
  let screen = '';
  const write = (chunk: string) => {
    screen += chunk;
  };
  const ownerChat = createConsoleAdapter({
    router: core.router,
    tasks: core.services.tasks,
    write,
    filesDir,
    chatId: 'owner-chat',
  });
  const viewerChat = createConsoleAdapter({
    router: core.router,
    tasks: core.services.tasks,
    write,
    filesDir,
    chatId: 'viewer-chat',
    identity: 'console:viewer',
    displayName: 'Vera',
  });
  const { code } = await core.services.people.createInvite(owner, 'viewer');
  await core.services.people.redeem('console:viewer', code, 'Vera');
  // Not started: the harness steps the task runner and the outbox itself, so each turn is deterministic.
  const workers = createWorkers(core, database, log, [ownerChat], { chatIds: ['owner-chat', 'viewer-chat'] });

  let lastButtons: Array<{ label: string; index: number }> = [];
  async function converse(line: string, adapter = ownerChat): Promise<Seen> {
    screen = '';
    const result = await adapter.handleLine(line);
    if (result.taskId !== undefined) {
      while (await workers.runner.runNext());
      await workers.dispatcher.drainAll();
    }
    return read(screen);
  }
  async function read(output: string): Promise<Seen> {
    const seen: Seen = { texts: [], progress: [], files: [], buttons: [] };
    const buttons: Array<{ label: string; index: number }> = [];
    for (const chunk of output.split(/\n(?=\S)/)) {
      const button = [...chunk.matchAll(/^ {2}\[(\d+)\] (.+?) {2}\(/gm)];
      if (chunk.startsWith('… ')) seen.progress.push(chunk.slice(2));
      else if (chunk.startsWith('📎 ')) {
        const path = chunk.slice(2).split(' — ')[0]?.trim() ?? '';
        seen.files.push({ filename: path.split('/').at(-1) ?? path, data: await readFile(path) });
      } else seen.texts.push(chunk.replace(/^ {2}\[\d+\] .*$/gm, '').trimEnd());
      for (const match of button) buttons.push({ index: Number(match[1]), label: match[2] as string });
    }
    seen.buttons = buttons.map(({ label }) => ({ label }));
    if (buttons.length > 0) lastButtons = buttons;
    return seen;
  }
  harness = {
    say: (line, options) => converse(line, options?.as === 'viewer' ? viewerChat : ownerChat),
    press: async (label) => {
      const button = lastButtons.find((candidate) => candidate.label === label);
      if (!button) throw new Error(`no button ${label}`);
      return converse(String(button.index));
    },
    maxLength: 4000,
    close: async () => {},
  };
  cleanup = async () => {
    await database.drop();
    await rm(filesDir, { recursive: true, force: true });
  };
});

afterAll(async () => {
  await cleanup?.();
});

adapterContract('console', () => harness);
