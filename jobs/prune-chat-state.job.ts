import type { ChatRetention } from '../src/chat/retention.ts';
import type { Clock } from '../src/clock.ts';
import { defineJob } from './scheduler.ts';

/** Nightly: forgets inbound update ids after a day and sent outbox messages after a week. */
export const pruneChatStateJob = defineJob<{ retention: ChatRetention; clock: Clock }>({
  name: 'prune-chat-state',
  schedule: '17 3 * * *',
  async run({ deps, log }) {
    const { updates, sent } = await deps.retention.prune(deps.clock.now());
    log.info({ updates, sent }, 'chat state pruned');
  },
});
