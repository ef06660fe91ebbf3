import type { OutMessage } from '../../src/chat/layout.ts';
import type { Button } from '../../src/chat/reply.ts';
import { SendError } from '../../src/chat/sender.ts';
import type { AdapterState } from '../core/adapter.ts';
import type { WhatsappTransport } from './adapter.ts';
import { BUTTON_TITLE_LIMIT, clip, cloudLayout, MAX_REPLY_BUTTONS, ROW_TITLE_LIMIT } from './format.ts';
import { type CloudApi, toSendError } from './graph-api.ts';

/** Reply button ids take 256 characters and list row ids 200; longer commands are kept server side. */
const CHOICE_ID_BYTES = 200;
const ROW_DESCRIPTION_LIMIT = 72;
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png']);
const IMAGE_BYTES = 5 * 1024 * 1024;
const DOCUMENT_BYTES = 100 * 1024 * 1024;
/** Document types the Cloud API takes; a CSV travels as plain text (its name keeps the .csv). */
const DOCUMENT_TYPES = new Set([
  'text/plain',
  'application/pdf',
  'application/vnd.ms-excel',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
]);

export interface CloudTransportOptions {
  api: CloudApi;
  encode(command: string, maxBytes: number): Promise<string>;
}

/** Sends through the Cloud API: text, reply buttons or list messages for choices, uploaded files, templates. */
export function createCloudTransport(options: CloudTransportOptions): WhatsappTransport {
  const { api } = options;
  let state: AdapterState = 'down';

  async function choices(list: Button[]) {
    return Promise.all(
      list.map(async (button) => ({ id: await options.encode(button.command, CHOICE_ID_BYTES), label: button.label })),
    );
  }

  async function content(message: OutMessage): Promise<Record<string, unknown>> {
    if (message.kind === 'text') {
      if (!message.buttons?.length) return { type: 'text', text: { body: message.text, preview_url: false } };
      const list = await choices(message.buttons);
      if (list.length <= MAX_REPLY_BUTTONS) {
        const buttons = list.map((c) => ({
          type: 'reply',
          reply: { id: c.id, title: clip(c.label, BUTTON_TITLE_LIMIT) },
        }));
        return {
          type: 'interactive',
          interactive: { type: 'button', body: { text: message.text }, action: { buttons } },
        };
      }
      const rows = list.map((c) => ({
        id: c.id,
        title: clip(c.label, ROW_TITLE_LIMIT),
        ...(c.label.length > ROW_TITLE_LIMIT ? { description: clip(c.label, ROW_DESCRIPTION_LIMIT) } : {}),
      }));
      const action = { button: clip(message.menu ?? '☰', BUTTON_TITLE_LIMIT), sections: [{ rows }] };
      return { type: 'interactive', interactive: { type: 'list', body: { text: message.text }, action } };
    }
    const bytes = Buffer.from(message.data, 'base64');
    const asImage = message.kind === 'image' && IMAGE_TYPES.has(message.mime) && bytes.length <= IMAGE_BYTES;
    const mime = asImage ? message.mime : DOCUMENT_TYPES.has(message.mime) ? message.mime : 'text/plain';
    // Larger files cannot go by WhatsApp at all; a retry cannot help (reports travel as signed links instead).
    if (bytes.length > DOCUMENT_BYTES)
      throw new SendError(
        `${message.filename} is ${bytes.length} bytes; WhatsApp takes at most ${DOCUMENT_BYTES}`,
        false,
      );
    const id = await api.upload(bytes, mime, message.filename);
    const caption = message.caption ? { caption: message.caption } : {};
    return asImage
      ? { type: 'image', image: { id, ...caption } }
      : { type: 'document', document: { id, filename: message.filename, ...caption } };
  }

  async function guarded(work: () => Promise<string>): Promise<string> {
    try {
      return await work();
    } catch (error) {
      throw error instanceof SendError ? error : toSendError(error);
    }
  }

  return {
    mode: 'cloud',
    layout: cloudLayout,
    limits: {
      // The Cloud API's default throughput. To one person Meta takes a burst of about 45, then about one every 6 s;
      // past that it answers 131056, which the outbox waits out.
      global: [{ max: 80, perMs: 1_000 }],
      perChat: () => [{ max: 45, perMs: 60_000 }],
    },
    send: (phone, message) => guarded(async () => api.send(phone, await content(message))),
    sendTemplate: (phone, template, text) =>
      guarded(() =>
        api.send(phone, {
          type: 'template',
          template: {
            name: template.name,
            language: { code: template.language },
            components: [{ type: 'body', parameters: [{ type: 'text', text }] }],
          },
        }),
      ),
    markRead: (messageId) => api.markRead(messageId),
    async start() {
      state = 'ok';
    },
    async stop() {
      state = 'down';
      await api.close();
    },
    state: () => state,
  };
}
