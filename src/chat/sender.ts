import type { Locale } from '../i18n/index.ts';
import type { OutMessage } from './layout.ts';
import type { Reply } from './reply.ts';

/** At most `max` sends per `perMs` milliseconds. */
export interface RateWindow {
  max: number;
  perMs: number;
}

export interface RateLimits {
  global: RateWindow[];
  /** Windows for one chat; may differ for groups (Telegram allows 20 a minute in a group). */
  perChat(chatId: string): RateWindow[];
}

/** What the outbox needs from a platform adapter to deliver messages. */
export interface Sender {
  platform: string;
  limits: RateLimits;
  /** Lays out a reply as the messages this platform sends, in order. */
  layout(reply: Reply, locale: Locale): OutMessage[];
  /** Sends one message; returns the platform's message id (for edits). */
  send(chatId: string, message: OutMessage): Promise<{ messageId: string }>;
  /** Replaces a sent text message, where the platform allows it (progress). */
  edit?(chatId: string, messageId: string, message: OutMessage): Promise<void>;
  /** Shows that work is under way (Telegram's typing action), where the platform has it. */
  typing?(chatId: string): Promise<void>;
}

/** A failed send: `retryable` false for errors a retry cannot fix (chat gone, message rejected). */
export class SendError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'SendError';
  }
}
