import type { Db } from '../../db/client.ts';
import { isConnectionFailure } from '../../db/errors.ts';
import { preparedRows } from '../../db/raw.ts';
import { inboundUpdates } from '../../db/schema/chat.ts';
import type { InboundUpdate } from './inbound.ts';

/** Every update of a batch in one statement and one commit, in arrival order; a redelivered one conflicts and is skipped. */
const RECORD_MANY = `
insert into inbound_updates (platform, update_id, chat_key, payload)
select r.platform, r.update_id, r.chat_key, r.payload
from rows from (jsonb_to_recordset($1::text::jsonb) as (platform text, update_id text, chat_key text, payload jsonb))
  with ordinality as r(platform, update_id, chat_key, payload, n)
order by r.n
on conflict do nothing
returning platform, update_id`;

const MAX_BATCH = 500;

interface Queued {
  update: InboundUpdate;
  resolve(fresh: boolean): void;
  reject(error: unknown): void;
}

/** One update alone: the way out when a batch statement fails, so only the update that broke it fails. */
async function recordOne(db: Db, update: InboundUpdate): Promise<boolean> {
  const inserted = await db
    .insert(inboundUpdates)
    .values({ platform: update.platform, updateId: update.updateId, chatKey: update.chatKey, payload: update.payload })
    .onConflictDoNothing()
    .returning({ seq: inboundUpdates.seq });
  return inserted.length > 0;
}

/**
 * Group commit for webhook hand-offs: updates recorded while a batch statement runs share the next one, so a burst
 * of deliveries costs one commit per batch instead of one per update. One batch runs at a time, so updates keep
 * their arrival order (a chat's updates run in that order).
 */
export function createInboundRecorder(db: Db, options: { onBatch?: (size: number) => void } = {}) {
  let queue: Queued[] = [];
  let running = false;

  async function runBatch(batch: Queued[]) {
    // The same update twice in one batch: the first one decides, the later ones are its duplicates.
    const seen = new Set<string>();
    const firsts = new Set<Queued>();
    for (const item of batch) {
      const key = `${item.update.platform}\u0000${item.update.updateId}`;
      if (seen.has(key)) continue;
      seen.add(key);
      firsts.add(item);
    }
    const rows = JSON.stringify(
      [...firsts].map(({ update }) => ({
        platform: update.platform,
        update_id: update.updateId,
        chat_key: update.chatKey,
        payload: update.payload ?? null,
      })),
    );
    options.onBatch?.(batch.length);
    try {
      const inserted = await preparedRows<{ platform: string; update_id: string }>(db, RECORD_MANY, [rows]);
      const fresh = new Set(inserted.map((row) => `${row.platform}\u0000${row.update_id}`));
      for (const item of batch) {
        const key = `${item.update.platform}\u0000${item.update.updateId}`;
        item.resolve(firsts.has(item) && fresh.has(key));
      }
    } catch (error) {
      if (isConnectionFailure(error)) for (const item of batch) item.reject(error);
      else await Promise.all(batch.map((item) => recordOne(db, item.update).then(item.resolve, item.reject)));
    }
  }

  async function drain() {
    running = true;
    while (queue.length > 0) {
      const batch = queue.slice(0, MAX_BATCH);
      queue = queue.slice(MAX_BATCH);
      await runBatch(batch);
    }
    running = false;
  }

  return {
    /** Records an update durably; true when it is new. Rejects when the store fails (nothing was handed off). */
    record(update: InboundUpdate): Promise<boolean> {
      return new Promise((resolve, reject) => {
        queue.push({ update, resolve, reject });
        if (!running) {
          running = true;
          setImmediate(() => void drain());
        }
      });
    },
  };
}

export type InboundRecorder = ReturnType<typeof createInboundRecorder>;
