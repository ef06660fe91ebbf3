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
  /**
   * Lays a reply out for one chat when that depends on the chat (WhatsApp outside its 24-hour window: an approved
   * template, or hold it). Without it, `layout` decides alone.
   */
  prepare?(chatId: string, reply: Reply, locale: Locale): Promise<Prepared>;
  /** Sends one message; returns the platform's message id (for edits). `ref` names the outbox row and part. */
  send(chatId: string, message: OutMessage, ref?: OutboxRef): Promise<{ messageId: string }>;
  /** Replaces a sent text message, where the platform allows it (progress). */
  edit?(chatId: string, messageId: string, message: OutMessage): Promise<void>;
  /** False while this process cannot send for the platform (WhatsApp Web held by another instance): nothing is claimed. */
  ready?(): boolean;
  /** Shows that work is under way (Telegram's typing action), where the platform has it. */
  typing?(chatId: string): Promise<void>;
}

/** Which outbox row, and which of its parts, a message carries. */
export interface OutboxRef {
  outboxId: number;
  part: number;
}

/** The messages to send for a reply now, or why it must wait until the person writes again. */
export type Prepared = { messages: OutMessage[] } | { hold: string };

/** A failed send: `retryable` false for errors a retry cannot fix (chat gone, message rejected). */
export class SendError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
    /** The platform takes nothing more for this chat until the person writes again: hold, do not retry. */
    readonly hold = false,
  ) {
    super(message);
    this.name = 'SendError';
  }
}
