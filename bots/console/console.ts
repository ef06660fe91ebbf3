import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { layout, type OutMessage } from '../../src/chat/layout.ts';
import { plainFormat } from '../../src/chat/plain-format.ts';
import type { Button, Reply } from '../../src/chat/reply.ts';
import type { Tasks } from '../../src/chat/tasks.ts';
import type { Router } from '../../src/commands/router.ts';
import { type Locale, translator } from '../../src/i18n/index.ts';
import type { Adapter } from '../core/adapter.ts';

export interface ConsoleAdapterOptions {
  router: Router;
  tasks: Tasks;
  /** Where replies are written (the terminal). */
  write(text: string): void;
  /** Files and images from replies are saved here and their path printed. */
  filesDir: string;
  chatId: string;
  identity?: string;
  displayName?: string;
}

export interface ConsoleAdapter extends Adapter {
  /** Handles one typed line; a bare number presses that button of the last reply. Answers the started task, if any. */
  handleLine(line: string): Promise<{ error: boolean; taskId?: number }>;
}

/** The same commands in a terminal: `bodega chat` and `bodega run`. */
export function createConsoleAdapter(options: ConsoleAdapterOptions): ConsoleAdapter {
  let buttons: Button[] = [];
  let sequence = 0;

  async function show(message: OutMessage) {
    if (message.kind === 'text') {
      options.write(`${message.text}\n`);
      if (message.buttons?.length) {
        buttons = message.buttons;
        options.write(`${message.buttons.map((b, i) => `  [${i + 1}] ${b.label}  (${b.command})`).join('\n')}\n`);
      }
      return;
    }
    await mkdir(options.filesDir, { recursive: true });
    const path = join(options.filesDir, message.filename);
    await writeFile(path, Buffer.from(message.data, 'base64'));
    options.write(`📎 ${path}${message.caption ? ` — ${message.caption}` : ''}\n`);
  }

  const adapter: ConsoleAdapter = {
    platform: 'console',
    limits: { global: [], perChat: () => [] },
    layout: (value: Reply, locale: Locale) => layout(value, plainFormat, translator(locale)),
    async send(_chatId, message) {
      await show(message);
      return { messageId: `console-${++sequence}` };
    },
    async edit(_chatId, _messageId, message) {
      if (message.kind === 'text') options.write(`… ${message.text}\n`);
    },
    async start() {},
    async stop() {},
    state: () => 'ok',
    async handleLine(line) {
      const pressed = /^\s*\d+\s*$/.test(line) ? buttons[Number(line.trim()) - 1] : undefined;
      const handled = await options.router.handle({
        platform: 'console',
        identity: options.identity ?? 'console:owner',
        chat: { platform: 'console', chatId: options.chatId, kind: 'private' },
        displayName: options.displayName ?? 'Console',
        // Unique per line: it is the idempotency key of any change this line makes.
        messageId: randomUUID(),
        text: pressed?.command ?? line,
        slashRequired: false,
      });
      if (!handled) return { error: false };
      let lastId = '';
      for (const message of adapter.layout(handled.reply, handled.locale))
        lastId = (await adapter.send(options.chatId, message)).messageId;
      const { taskId, error } = handled.reply;
      if (taskId !== undefined) await options.tasks.attachProgressMessage(taskId, lastId);
      return { error: Boolean(error), ...(taskId !== undefined ? { taskId } : {}) };
    },
  };
  return adapter;
}
