import { randomUUID } from 'node:crypto';
import { type CommandContext, requireUser } from './context.ts';

/** Where a chat change came from, with the message id as its idempotency key, so a redelivered message changes nothing. */
export function chatOrigin(ctx: CommandContext, note?: string) {
  const { platform, chatId } = ctx.input.chat;
  return {
    actor: `user:${requireUser(ctx).id}`,
    reference: `${platform}:${chatId}`,
    note,
    key: ctx.input.messageId ? `chat:${platform}:${chatId}:${ctx.input.messageId}` : `chat:${randomUUID()}`,
  };
}

/** A word of a command line the user's language writes (`fijar`/`set`), for buttons that re-enter a command. */
export const word = (ctx: CommandContext, words: { es: string; en: string }) => words[ctx.locale];
