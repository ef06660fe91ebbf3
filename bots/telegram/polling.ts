import type { Api } from 'grammy';
import type { Update } from 'grammy/types';
import { systemClock } from '../../src/clock.ts';
import type { Logger } from '../../src/logger.ts';

type GrammySignal = NonNullable<Parameters<Api['getUpdates']>[1]>;

/**
 * grammY types signals as its `abort-controller` shim; at run time it only subscribes to `abort`, which Node's own
 * signals do. This is the one place the two types meet.
 */
export function forGrammy(signal: AbortSignal): GrammySignal {
  return signal as never;
}

export interface Poller {
  start(): void;
  /** Ends the long poll in progress and waits for the loop to finish. */
  stop(): Promise<void>;
}

/**
 * Long polling that confirms an update to Telegram (by asking for the next offset) only after `accept` has
 * recorded it: when recording fails, the same updates are fetched again after a backoff, so none is lost.
 */
export function createPoller(options: {
  api: Api;
  log: Logger;
  accept(update: Update): Promise<void>;
  timeoutSeconds?: number;
}): Poller {
  const { api, log } = options;
  const controller = new AbortController();
  const signal = controller.signal;
  let loop: Promise<void> | undefined;

  async function run() {
    let offset: number | undefined;
    let failures = 0;
    let webhookCleared = false;
    while (!signal.aborted) {
      try {
        // getUpdates is refused while a webhook is set (an earlier run with PUBLIC_URL).
        if (!webhookCleared) webhookCleared = await api.deleteWebhook({}, forGrammy(signal));
        const updates = await api.getUpdates(
          { offset, timeout: options.timeoutSeconds ?? 25, allowed_updates: ['message', 'callback_query'] },
          forGrammy(signal),
        );
        for (const update of updates) {
          await options.accept(update);
          offset = update.update_id + 1;
        }
        failures = 0;
      } catch (error) {
        if (signal.aborted) break;
        failures++;
        const delayMs = Math.min(30_000, 500 * 2 ** Math.min(failures, 6));
        log.warn({ err: error, delayMs }, 'telegram polling failed; retrying');
        await systemClock.sleep(delayMs, signal);
      }
    }
  }

  return {
    start() {
      loop ??= run();
    },
    async stop() {
      controller.abort();
      await loop;
    },
  };
}
