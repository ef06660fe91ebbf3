import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { inboundUpdates, outbox } from '../../db/schema/chat.ts';
import { useTestDatabase } from '../../test/helpers/database.ts';
import { manualClock } from '../clock.ts';
import { createLogger } from '../logger.ts';
import { createInboundWorker, type InboundProcessor, recordUpdate } from './inbound.ts';
import { createInboundRecorder } from './inbound-record.ts';
import { plainText, type Reply, reply, text } from './reply.ts';
import { createChatRetention } from './retention.ts';

const database = useTestDatabase();
const log = createLogger({ level: 'silent', pretty: false });
const HOUR = 60 * 60 * 1000;

/** A clock a minute ahead of the database, so updates stamped by Postgres just now are due at once. */
const aheadClock = () => manualClock(new Date(Date.now() + 60_000));

/** Echoes `{ chat, text }` payloads back to their chat; `fail` decides per call whether to throw instead. */
function echo(platform: string, fail: (text: string, call: number) => boolean = () => false) {
  const seen: string[] = [];
  let call = 0;
  const processor: InboundProcessor = {
    platform,
    async process({ payload }) {
      const { chat, text: said } = payload as { chat: string; text: string };
      if (fail(said, ++call)) throw new Error(`could not run ${said}`);
      seen.push(said);
      return { target: { platform, chatId: chat }, reply: reply(text(`echo ${said}`)), locale: 'es' };
    },
  };
  return { processor, seen };
}

async function say(platform: string, updateId: string, chat: string, said: string) {
  return recordUpdate(database().db, { platform, updateId, chatKey: chat, payload: { chat, text: said } });
}

async function replies(platform: string) {
  const rows = await database()
    .db.select({ reply: outbox.reply, key: outbox.idempotencyKey })
    .from(outbox)
    .where(eq(outbox.platform, platform))
    .orderBy(outbox.id);
  return rows.map((row) => plainText(row.reply as Reply));
}

async function update(platform: string, updateId: string) {
  const [row] = await database()
    .db.select()
    .from(inboundUpdates)
    .where(eq(inboundUpdates.platform, platform))
    .then((rows) => rows.filter((r) => r.updateId === updateId));
  return row;
}

describe('inbound updates', () => {
  it('records an update once per platform: the insert is the dedupe', async () => {
    expect(await say('dedupe', '1', 'c', 'hola')).toBe(true);
    expect(await say('dedupe', '1', 'c', 'hola')).toBe(false);
    expect(await say('dedupe-other', '1', 'c', 'hola')).toBe(true);
  });

  it('records deliveries arriving together in one statement, in order, each told whether it was new', async () => {
    const sizes: number[] = [];
    const recorder = createInboundRecorder(database().db, { onBatch: (size) => sizes.push(size) });
    await say('burst', 'seen', 'a', 'earlier');
    const burst = ['1', '2', 'seen', '3', '2', '4'].map((id) =>
      recorder.record({ platform: 'burst', updateId: id, chatKey: id === '4' ? 'b' : 'a', payload: { text: id } }),
    );
    expect(await Promise.all(burst)).toEqual([true, true, false, true, false, true]);
    expect(sizes).toEqual([6]);
    const rows = await database()
      .db.select({ id: inboundUpdates.updateId })
      .from(inboundUpdates)
      .where(eq(inboundUpdates.platform, 'burst'))
      .orderBy(inboundUpdates.seq);
    expect(rows.map((row) => row.id)).toEqual(['seen', '1', '2', '3', '4']);
  });

  it('fails only the delivery the store refuses when it arrives with others', async () => {
    const recorder = createInboundRecorder(database().db);
    const burst = ['1', '2', '3'].map((id) =>
      recorder
        .record({ platform: 'refused', updateId: id, chatKey: 'c', payload: { text: id === '2' ? 'nul\u0000' : id } })
        .then(
          (fresh) => (fresh ? 'recorded' : 'duplicate'),
          () => 'refused',
        ),
    );
    expect(await Promise.all(burst)).toEqual(['recorded', 'refused', 'recorded']);
    expect(await update('refused', '3')).toMatchObject({ status: 'pending' });
  });

  it('runs a recorded update, queues its one reply and keeps no message text once done', async () => {
    const { processor } = echo('run');
    await say('run', '10', 'c', '/start ABCD-EFGH');
    const worker = createInboundWorker({ db: database().db, log, processors: [processor] });
    await worker.drainAll();
    expect(await replies('run')).toEqual(['echo /start ABCD-EFGH']);
    expect(await update('run', '10')).toMatchObject({ status: 'done', payload: null, attempts: 0 });
  });

  it('leaves an update whose processing failed to be retried, and the chat gets exactly one reply', async () => {
    const { processor, seen } = echo('retry', (_said, call) => call === 1);
    await say('retry', '20', 'c', '/ayuda');
    const clock = aheadClock();
    const worker = createInboundWorker({ db: database().db, log, processors: [processor], clock });
    await worker.drainAll();
    expect(await replies('retry')).toEqual([]);
    expect(await update('retry', '20')).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: 'could not run /ayuda',
    });
    clock.advance(1_000);
    await worker.drainAll();
    await worker.drainAll();
    expect(seen).toEqual(['/ayuda']);
    expect(await replies('retry')).toEqual(['echo /ayuda']);
    expect(await update('retry', '20')).toMatchObject({ status: 'done' });
  });

  it("keeps one chat's updates in order while other chats go on", async () => {
    const { processor, seen } = echo('order', (said, call) => said === 'a1' && call === 1);
    await say('order', '1', 'a', 'a1');
    await say('order', '2', 'a', 'a2');
    await say('order', '3', 'b', 'b1');
    const clock = aheadClock();
    const worker = createInboundWorker({ db: database().db, log, processors: [processor], clock });
    await worker.drainAll();
    expect(seen).toEqual(['b1']);
    clock.advance(1_000);
    await worker.drainAll();
    expect(seen).toEqual(['b1', 'a1', 'a2']);
  });

  it('never runs one update on two workers at once', async () => {
    let release: () => void = () => {};
    let started: () => void = () => {};
    const running = new Promise<void>((resolve) => (started = resolve));
    let runs = 0;
    const processor: InboundProcessor = {
      platform: 'pair',
      process: async () => {
        runs++;
        started();
        await new Promise<void>((resolve) => (release = resolve));
        return undefined;
      },
    };
    await say('pair', '1', 'c', 'x');
    const first = createInboundWorker({ db: database().db, log, processors: [processor] });
    const second = createInboundWorker({ db: database().db, log, processors: [processor] });
    const busy = first.processNext();
    await running;
    expect(await second.processNext()).toBe(false);
    release();
    expect(await busy).toBe(true);
    expect(await second.processNext()).toBe(false);
    expect(runs).toBe(1);
  });

  it('dead-letters an update after its last attempt, keeping the error', async () => {
    const { processor } = echo('dead', () => true);
    await say('dead', '1', 'c', 'boom');
    const clock = aheadClock();
    const worker = createInboundWorker({ db: database().db, log, processors: [processor], clock, maxAttempts: 3 });
    for (let i = 0; i < 4; i++) {
      await worker.drainAll();
      clock.advance(HOUR);
    }
    expect(await update('dead', '1')).toMatchObject({ status: 'dead', attempts: 3, lastError: 'could not run boom' });
  });

  it('forgets finished updates after a day but never one still waiting to run', async () => {
    const { processor } = echo('prune');
    await say('prune', '1', 'c', 'done');
    await createInboundWorker({ db: database().db, log, processors: [processor] }).drainAll();
    await say('prune', '2', 'c', 'waiting');
    const retention = createChatRetention({ db: database().db });
    await retention.prune(new Date(Date.now() + 25 * HOUR));
    expect(await update('prune', '1')).toBeUndefined();
    expect(await update('prune', '2')).toMatchObject({ status: 'pending' });
  });

  it('runs an update at once even when the database stamped it ahead of this process clock', async () => {
    const { processor, seen } = echo('ahead');
    await say('ahead', '1', 'c', 'hola');
    // The database's clock a second ahead of ours: a fresh update is still due now; only a retry waits.
    await database()
      .db.update(inboundUpdates)
      .set({ nextAttemptAt: new Date(Date.now() + 1_000) })
      .where(eq(inboundUpdates.platform, 'ahead'));
    await createInboundWorker({ db: database().db, log, processors: [processor] }).drainAll();
    expect(seen).toEqual(['hola']);
  });
});
