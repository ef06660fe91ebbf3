import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../test/helpers/database.ts';
import { translator } from '../i18n/index.ts';
import { createLogger } from '../logger.ts';
import { layout } from './layout.ts';
import { plainFormat } from './plain-format.ts';
import { plainText, reply, text } from './reply.ts';
import type { Sender } from './sender.ts';
import { createTaskRunner, defineTask } from './task-runner.ts';
import { createTasks } from './tasks.ts';

const database = useTestDatabase();
const log = createLogger({ level: 'silent', pretty: false });
const target = { platform: 'test', chatId: 'chat-1' };
const sender: Sender = {
  platform: 'test',
  limits: { global: [], perChat: () => [] },
  layout: (value, locale) => layout(value, plainFormat, translator(locale)),
  send: async () => ({ messageId: '1' }),
};

async function outboxTexts(taskId: number) {
  const rows = await database().db.execute(
    sql`select reply from outbox where idempotency_key = ${`task:${taskId}:result`}`,
  );
  return rows.map((row) => plainText(row.reply as never));
}

describe('tasks', () => {
  it('cancels a pending task before it runs and tells the chat nothing ran', async () => {
    const tasks = createTasks({ db: database().db });
    const task = await tasks.create({ kind: 'never', input: {}, requestedBy: null, target, locale: 'es' });
    expect(await tasks.cancel(task.id)).toEqual({ outcome: 'cancelled' });
    expect(await tasks.cancel(task.id)).toEqual({ outcome: 'finished', status: 'cancelled' });
    const runner = createTaskRunner({ db: database().db, log, tasks, definitions: [], senders: [sender] });
    expect(await runner.runNext()).toBe(false);
  });

  it('aborts a running task on request and reports it cancelled', async () => {
    const tasks = createTasks({ db: database().db });
    let started: () => void = () => {};
    const running = new Promise<void>((resolve) => (started = resolve));
    const definition = defineTask<{ n: number }>({
      kind: 'waits',
      run: ({ signal }) =>
        new Promise((_resolve, reject) => {
          started();
          signal.addEventListener('abort', () => reject(new Error('aborted')));
        }),
    });
    const runner = createTaskRunner({
      db: database().db,
      log,
      tasks,
      definitions: [definition],
      senders: [sender],
      leaseMs: 300,
    });
    const task = await tasks.create({ kind: 'waits', input: { n: 1 }, requestedBy: null, target, locale: 'en' });
    const run = runner.runNext();
    await running;
    expect(await tasks.cancel(task.id)).toEqual({ outcome: 'requested' });
    await run;
    expect((await tasks.get(task.id))?.status).toBe('cancelled');
    expect(await outboxTexts(task.id)).toEqual([`Task #${task.id} was cancelled.`]);
  });

  it('records a failure and tells the chat in its language, without internals', async () => {
    const tasks = createTasks({ db: database().db });
    const definition = defineTask({
      kind: 'breaks',
      run: async () => {
        throw new Error('socket hang up at 10.0.0.3');
      },
    });
    const runner = createTaskRunner({ db: database().db, log, tasks, definitions: [definition], senders: [sender] });
    const task = await tasks.create({ kind: 'breaks', input: {}, requestedBy: null, target, locale: 'es' });
    await runner.runNext();
    const stored = await tasks.get(task.id);
    expect(stored?.status).toBe('failed');
    const [message] = await outboxTexts(task.id);
    expect(message).toContain(`La tarea #${task.id} falló: Algo salió mal de nuestro lado.`);
    expect(message).not.toContain('10.0.0.3');
  });

  it('delivers a result once even if the task is concluded twice', async () => {
    const tasks = createTasks({ db: database().db });
    const definition = defineTask({ kind: 'quick', run: async () => reply(text('done')) });
    const runner = createTaskRunner({ db: database().db, log, tasks, definitions: [definition], senders: [sender] });
    const task = await tasks.create({ kind: 'quick', input: {}, requestedBy: null, target, locale: 'es' });
    await runner.runNext();
    await database().sql`update tasks set status = 'pending' where id = ${task.id}`;
    await runner.runNext();
    expect(await outboxTexts(task.id)).toEqual(['done']);
  });
});
