import type { Sender } from '../../src/chat/sender.ts';

export type AdapterState = 'ok' | 'down';

/** A chat platform: turns its messages into CommandInput for the router, and sends Replies (it is the outbox's Sender). */
export interface Adapter extends Sender {
  start(): Promise<void>;
  stop(): Promise<void>;
  state(): AdapterState;
}
