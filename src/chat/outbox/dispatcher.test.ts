import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { outbox } from '../../../db/schema/chat.ts';
import { useTestDatabase } from '../../../test/helpers/database.ts';
import { manualClock } from '../../clock.ts';
import { translator } from '../../i18n/index.ts';
import { createLogger } from '../../logger.ts';
import { layout, type OutMessage } from '../layout.ts';
import { plainFormat } from '../plain-format.ts';
import { plainText, type Reply, reply, sensitive, text } from '../reply.ts';
import { SendError, type Sender } from '../sender.ts';
import { createDispatcher } from './dispatcher.ts';
import { enqueue } from './outbox.ts';

const log = createLogger({ level: 'silent', pretty: false });
const database = useTestDatabase({ poolSize: 20 });

/** A sender that records what reached the "platform"; `fail` decides per attempt whether to throw instead. */
function recordingSender(
  platform: string,
  fail: (message: OutMessage, attempt: number) => Error | undefined = () => undefined,
): Sender & {
  delivered: Array<{ chatId: string; text: string }>;
} {
  const delivered: Array<{ chatId: string; text: string }> = [];
  let attempt = 0;
  return {
    platform,
    delivered,
    limits: { global: [], perChat: () => [] },
    layout: (value, locale) => layout(value, { ...plainFormat, maxLength: 40 }, translator(locale)),
    async send(chatId, message) {
      const error = fail(message, ++attempt);
      if (error) throw error;
      await new Promise((resolve) => setImmediate(resolve));
      delivered.push({ chatId, text: message.kind === 'text' ? message.text : message.filename });
      return { messageId: String(delivered.length) };
    },
  };
}

async function queue(platform: string, count: number, chats = 5) {
  for (let i = 0; i < count; i++) {
    await enqueue(
      database().db,
      { platform, chatId: `chat-${i % chats}` },
      reply(text(`message ${i}`)),
      'es',
      `${platform}:${i}`,
    );
  }
}

const fast = { backoffBaseMs: 1, backoffMaxMs: 5, pollMs: 10 };

/** A clock a minute ahead of the database, so rows queued just now (stamped by Postgres) are due at once. */
const aheadClock = () => manualClock(new Date(Date.now() + 60_000));

describe('outbox', () => {
  it('ignores a second enqueue with the same idempotency key', async () => {
    const target = { platform: 'dup', chatId: 'c' };
    expect(await enqueue(database().db, target, reply(text('once')), 'es', 'dup:1')).toBe(true);
    expect(await enqueue(database().db, target, reply(text('once')), 'es', 'dup:1')).toBe(false);
  });

  it('delivers every message exactly once through a sender that fails twice for each', async () => {
    await queue('flaky', 60);
    const failures = new Map<string, number>();
    const sender = recordingSender('flaky', (message) => {
      const key = message.kind === 'text' ? message.text : message.filename;
      const seen = failures.get(key) ?? 0;
      failures.set(key, seen + 1);
      return seen < 2 ? new Error('network blip') : undefined;
    });
    const clock = aheadClock();
    const dispatcher = createDispatcher({ db: database().db, log, senders: [sender], maxAttempts: 5, clock, ...fast });
    for (let round = 0; round < 100 && sender.delivered.length < 60; round++) {
      await dispatcher.drainAll();
      clock.advance(10);
    }
    const texts = sender.delivered.map((d) => d.text).sort();
    expect(texts).toHaveLength(60);
    expect(new Set(texts).size).toBe(60);
  });

  it('never sends a message twice with two dispatchers on one database, and keeps each chat in order', async () => {
    await queue('pair', 100, 4);
    const sender = recordingSender('pair');
    const first = createDispatcher({ db: database().db, log, senders: [sender], batchSize: 7, ...fast });
    const second = createDispatcher({ db: database().db, log, senders: [sender], batchSize: 7, ...fast });
    await Promise.all([first.drainAll(), second.drainAll(), first.drainAll(), second.drainAll()]);
    await first.drainAll();
    expect(sender.delivered).toHaveLength(100);
    expect(new Set(sender.delivered.map((d) => d.text)).size).toBe(100);
    for (const chat of ['chat-0', 'chat-1', 'chat-2', 'chat-3']) {
      const numbers = sender.delivered.filter((d) => d.chatId === chat).map((d) => Number(d.text.split(' ')[1]));
      expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    }
  });

  it('resumes a split reply after a failure without repeating parts already sent', async () => {
    const long = Array.from({ length: 6 }, (_, i) => `part ${i} of a long one`).join('\n');
    await enqueue(database().db, { platform: 'parts', chatId: 'c' }, reply(text(long)), 'es', 'parts:1');
    const sender = recordingSender('parts', (_message, attempt) => (attempt === 3 ? new Error('dropped') : undefined));
    const clock = aheadClock();
    const dispatcher = createDispatcher({ db: database().db, log, senders: [sender], clock, ...fast });
    await dispatcher.drainAll();
    clock.advance(10);
    await dispatcher.drainAll();
    expect(sender.delivered.map((d) => d.text).join('\n')).toBe(long);
  });

  it('waits out a retry-after before trying again', async () => {
    await enqueue(database().db, { platform: 'slowdown', chatId: 'c' }, reply(text('hello')), 'es', 'slowdown:1');
    const sender = recordingSender('slowdown', (_m, attempt) =>
      attempt === 1 ? new SendError('429 Too Many Requests', true, 300) : undefined,
    );
    const clock = aheadClock();
    const dispatcher = createDispatcher({ db: database().db, log, senders: [sender], clock, ...fast });
    await dispatcher.drainAll();
    expect(sender.delivered).toHaveLength(0);
    clock.advance(299);
    await dispatcher.drainAll();
    expect(sender.delivered).toHaveLength(0);
    clock.advance(1);
    await dispatcher.drainAll();
    expect(sender.delivered.map((d) => d.text)).toEqual(['hello']);
  });

  it('dead-letters after the last attempt, keeping the error, and moves on to the next message of the chat', async () => {
    await enqueue(database().db, { platform: 'dead', chatId: 'c' }, reply(text('doomed')), 'es', 'dead:1');
    await enqueue(database().db, { platform: 'dead', chatId: 'c' }, reply(text('after')), 'es', 'dead:2');
    const sender = recordingSender('dead', (message) =>
      message.kind === 'text' && message.text === 'doomed' ? new Error('chat not found') : undefined,
    );
    const clock = aheadClock();
    const dispatcher = createDispatcher({ db: database().db, log, senders: [sender], maxAttempts: 3, clock, ...fast });
    for (let i = 0; i < 5; i++) {
      await dispatcher.drainAll();
      clock.advance(10);
    }
    const rows = await database().db.execute(
      sql`select idempotency_key, status, attempts, last_error from outbox where platform = 'dead' order by id`,
    );
    expect(rows.map((r) => [r.idempotency_key, r.status, r.attempts, r.last_error])).toEqual([
      ['dead:1', 'dead', 3, 'chat not found'],
      ['dead:2', 'sent', 1, null],
    ]);
    expect(sender.delivered.map((d) => d.text)).toEqual(['after']);
  });

  it('reports the platform message id of a task acknowledgement, so progress can edit it', async () => {
    await enqueue(
      database().db,
      { platform: 'ack', chatId: 'c' },
      { ...reply(text('working on it')), taskId: 42 },
      'es',
      'ack:1',
    );
    const sent: Array<{ taskId: number | undefined; messageId: string }> = [];
    const sender = recordingSender('ack');
    await createDispatcher({
      db: database().db,
      log,
      senders: [sender],
      clock: aheadClock(),
      ...fast,
      onFirstPartSent: async ({ reply: delivered, messageId }) =>
        void sent.push({ taskId: delivered.taskId, messageId }),
    }).drainAll();
    expect(sent).toEqual([{ taskId: 42, messageId: '1' }]);
  });

  it('dead-letters at once when the platform says a retry cannot help', async () => {
    await enqueue(database().db, { platform: 'final', chatId: 'c' }, reply(text('x')), 'es', 'final:1');
    const sender = recordingSender('final', () => new SendError('bot was blocked by the user', false));
    await createDispatcher({ db: database().db, log, senders: [sender], clock: aheadClock(), ...fast }).drainAll();
    const [row] = await database().db.execute(
      sql`select status, attempts from outbox where idempotency_key = 'final:1'`,
    );
    expect([row?.status, row?.attempts]).toEqual(['dead', 1]);
  });

  it('keeps only a redacted copy of a sensitive reply once it is delivered', async () => {
    const secret: Reply = sensitive(reply(text('Invite code: ABCD-EFGH')));
    await enqueue(database().db, { platform: 'secret', chatId: 'c' }, secret, 'es', 'secret:1');
    const sender = recordingSender('secret');
    await createDispatcher({ db: database().db, log, senders: [sender], clock: aheadClock(), ...fast }).drainAll();
    expect(sender.delivered.map((d) => d.text)).toEqual(['Invite code: ABCD-EFGH']);
    const [row] = await database()
      .db.select({ reply: outbox.reply, status: outbox.status })
      .from(outbox)
      .where(eq(outbox.idempotencyKey, 'secret:1'));
    expect(row?.status).toBe('sent');
    expect(JSON.stringify(row?.reply)).not.toContain('ABCD');
    expect(plainText(row?.reply as Reply)).toBe('[redacted]');
  });

  it('lets drainAll finish messages the running loop claimed first, so a stop right after cuts nothing off', async () => {
    const sender = recordingSender('paced');
    // One message per 300 ms: the loop claims both, sends one, and waits in the pacer with the other.
    sender.limits = { global: [{ max: 1, perMs: 300 }], perChat: () => [] };
    const dispatcher = createDispatcher({ db: database().db, log, senders: [sender], ...fast });
    await queue('paced', 2, 2);
    dispatcher.start();
    while (sender.delivered.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await dispatcher.drainAll();
    await dispatcher.stop();
    expect(sender.delivered.map((message) => message.text).sort()).toEqual(['message 0', 'message 1']);
  });

  it('sends a message at once even when the database stamped it ahead of this process clock', async () => {
    await queue('ahead', 1, 1);
    await database()
      .db.update(outbox)
      .set({ nextAttemptAt: new Date(Date.now() + 1_000) })
      .where(eq(outbox.platform, 'ahead'));
    const sender = recordingSender('ahead');
    await createDispatcher({ db: database().db, log, senders: [sender], ...fast }).drainAll();
    expect(sender.delivered).toEqual([{ chatId: 'chat-0', text: 'message 0' }]);
  });
});
