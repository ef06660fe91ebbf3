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

/** A moment in the shop's time zone, with the zone named ("23 nov 2026, 15:53 CST"). */
export function formatWhen(ctx: CommandContext, at: Date): string {
  return new Intl.DateTimeFormat(ctx.locale === 'es' ? 'es-MX' : 'en-US', {
    timeZone: ctx.services.timezone,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(at);
}
