import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { forgetOldUpdates } from '../src/chat/inbound.ts';
import { defineJob } from './scheduler.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Nightly: forgets inbound update ids after a day and sent outbox messages after a week. */
export const pruneChatStateJob = defineJob<{ db: Db }>({
  name: 'prune-chat-state',
  schedule: '17 3 * * *',
  async run({ deps, log }) {
    const updates = await forgetOldUpdates(deps.db, new Date(Date.now() - DAY_MS));
    const sent = await deps.db.execute(
      sql`delete from outbox where status = 'sent' and sent_at < now() - interval '7 days'`,
    );
    log.info({ updates, sent: sent.count }, 'chat state pruned');
  },
});
