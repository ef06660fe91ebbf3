import { z } from 'zod';

const user = z.looseObject({
  id: z.number().int(),
  is_bot: z.boolean(),
  first_name: z.string(),
  last_name: z.string().optional(),
  username: z.string().optional(),
  language_code: z.string().optional(),
});
const chat = z.looseObject({ id: z.number().int(), type: z.string() });
const message = z.looseObject({
  message_id: z.number().int(),
  chat,
  from: user.optional(),
  text: z.string().max(8_192).optional(),
});
const callbackQuery = z.looseObject({
  id: z.string(),
  from: user,
  data: z.string().max(256).optional(),
  message: z.looseObject({ chat }).optional(),
});

/** The parts of a Telegram Update bodega reads, as the Bot API sends them; other fields pass through untouched. */
export const telegramUpdate = z.looseObject({
  update_id: z.number().int().nonnegative(),
  message: message.optional(),
  callback_query: callbackQuery.optional(),
});

export type TelegramUpdate = z.infer<typeof telegramUpdate>;
export type TelegramUser = z.infer<typeof user>;
export type TelegramChat = z.infer<typeof chat>;

/** An update bodega can run, or the validation message naming the first field that is not what Telegram sends. */
export function checkUpdate(value: unknown): { ok: true; update: TelegramUpdate } | { ok: false; message: string } {
  const parsed = telegramUpdate.safeParse(value);
  if (parsed.success) return { ok: true, update: parsed.data };
  const issue = parsed.error.issues[0];
  return {
    ok: false,
    message: `${issue?.path.join('.') || 'update'}: ${issue?.message ?? 'is not a Telegram update'}`,
  };
}

/** The chat an update belongs to (its updates run in order); undefined for kinds bodega does not run. */
export function chatOf(update: TelegramUpdate): string | undefined {
  if (update.message?.text !== undefined) return String(update.message.chat.id);
  if (update.callback_query?.data !== undefined && update.callback_query.message)
    return String(update.callback_query.message.chat.id);
  return undefined;
}
