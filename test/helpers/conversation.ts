import type { Button, Reply } from '../../src/chat/reply.ts';
import { plainText } from '../../src/chat/reply.ts';
import type { Clock } from '../../src/clock.ts';
import type { CommandInput } from '../../src/commands/context.ts';
import { createCommandRateLimit } from '../../src/commands/rate-limit.ts';
import { loadConfig } from '../../src/config.ts';
import { createCore } from '../../src/core.ts';
import { createLogger } from '../../src/logger.ts';
import type { TestDatabase } from './database.ts';

export interface Said {
  text: string;
  error: boolean;
  reply: Reply;
  buttons: Button[];
}

/** The whole chat core over a test database, and `say` to talk to it as a Telegram user (the owner by default). */
export async function createConversation(
  database: TestDatabase,
  options: { clock?: Clock; env?: Record<string, string> } = {},
) {
  const core = createCore({
    database,
    config: loadConfig({ BODEGA_CURRENCY: 'MXN', ...options.env }),
    log: createLogger({ level: 'silent', pretty: false }),
    rateLimit: createCommandRateLimit({ max: 100_000 }),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  await core.services.people.ensureOwners(['telegram:100']);
  let message = 0;
  /** `private`: a private chat, where plain text is a command too (slash optional). */
  async function say(line: string, as: { identity?: string; lang?: string; private?: boolean } = {}): Promise<Said> {
    const identity = as.identity ?? 'telegram:100';
    const input: CommandInput = {
      platform: 'telegram',
      identity,
      displayName: 'Test',
      text: line,
      slashRequired: !as.private,
      languageCode: as.lang ?? 'es',
      chat: { platform: 'telegram', chatId: identity.split(':')[1] ?? identity, kind: 'private' },
      messageId: `m${++message}`,
    };
    const handled = await core.router.handle(input);
    if (!handled) throw new Error(`not a command: ${line}`);
    const buttons = handled.reply.blocks.flatMap((block) => (block.kind === 'buttons' ? block.buttons : []));
    return { text: plainText(handled.reply), error: Boolean(handled.reply.error), reply: handled.reply, buttons };
  }
  return { core, say };
}
