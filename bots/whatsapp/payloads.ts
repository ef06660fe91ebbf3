// The parts of a Cloud API webhook bodega reads, as Meta sends them (see test/fixtures/whatsapp); other fields pass
// through untouched. A wire-format file: the words here are Meta's, not the user's.
import { z } from 'zod';

const phone = z.string().regex(/^[0-9]{5,20}$/);
const interactive = z.looseObject({
  type: z.string(),
  button_reply: z.looseObject({ id: z.string().max(256), title: z.string() }).optional(),
  list_reply: z.looseObject({ id: z.string().max(200), title: z.string() }).optional(),
});
const message = z.looseObject({
  from: phone,
  id: z.string().min(1).max(256),
  timestamp: z.string().regex(/^[0-9]+$/),
  type: z.string(),
  text: z.looseObject({ body: z.string().max(8_192) }).optional(),
  interactive: interactive.optional(),
});
const statusError = z.looseObject({ code: z.number().int(), title: z.string().optional() });
const status = z.looseObject({
  id: z.string().min(1).max(256),
  status: z.enum(['sent', 'delivered', 'read', 'failed']),
  recipient_id: z.string().max(64),
  timestamp: z.string().regex(/^[0-9]+$/),
  errors: z.array(statusError).optional(),
});
const value = z.looseObject({
  messaging_product: z.literal('whatsapp'),
  contacts: z
    .array(z.looseObject({ wa_id: phone, profile: z.looseObject({ name: z.string() }).optional() }))
    .optional(),
  messages: z.array(message).optional(),
  statuses: z.array(status).optional(),
});

/** Meta's `whatsapp_business_account` webhook body. */
export const cloudWebhook = z.looseObject({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(
    z.looseObject({
      id: z.string(),
      changes: z.array(z.looseObject({ field: z.string(), value: z.unknown() })),
    }),
  ),
});

/** What bodega keeps of one arrival: a person's message, or Meta's word on a message we sent. */
export type WhatsappEvent =
  | {
      kind: 'message';
      phone: string;
      name: string | undefined;
      messageId: string;
      /** Seconds since the epoch, as the platform stamped it. */
      sentAt: number;
      /** What the person wrote. */
      text?: string | undefined;
      /** The id of the reply button or list row they chose. */
      choice?: string | undefined;
      /** A photo, voice note or anything else bodega cannot read. */
      unsupported?: string | undefined;
    }
  | {
      kind: 'status';
      phone: string;
      messageId: string;
      status: 'sent' | 'delivered' | 'read' | 'failed';
      error?: { code: number; title: string } | undefined;
    };

/** Message types a person sends that bodega cannot read; it says so. Others (reactions, system notices) pass. */
const UNREADABLE = new Set(['image', 'audio', 'video', 'document', 'sticker', 'location', 'contacts']);

export type Parsed = { ok: true; events: WhatsappEvent[] } | { ok: false; message: string };

/** The events of a webhook body; a body that is not what Meta sends answers why. */
export function parseCloudWebhook(body: unknown): Parsed {
  const envelope = cloudWebhook.safeParse(body);
  if (!envelope.success) return { ok: false, message: z.prettifyError(envelope.error) };
  const events: WhatsappEvent[] = [];
  for (const entry of envelope.data.entry) {
    for (const change of entry.changes) {
      if (change.field !== 'messages') continue;
      const parsed = value.safeParse(change.value);
      if (!parsed.success) return { ok: false, message: z.prettifyError(parsed.error) };
      const names = new Map(parsed.data.contacts?.map((contact) => [contact.wa_id, contact.profile?.name]));
      for (const item of parsed.data.messages ?? []) {
        const event = messageEvent(item, names.get(item.from));
        if (event) events.push(event);
      }
      for (const item of parsed.data.statuses ?? []) {
        const error = item.errors?.[0];
        events.push({
          kind: 'status',
          phone: item.recipient_id,
          messageId: item.id,
          status: item.status,
          error: error && { code: error.code, title: error.title ?? '' },
        });
      }
    }
  }
  return { ok: true, events };
}

function messageEvent(item: z.infer<typeof message>, name: string | undefined): WhatsappEvent | undefined {
  const base = { kind: 'message' as const, phone: item.from, name, messageId: item.id, sentAt: Number(item.timestamp) };
  if (item.type === 'text' && item.text) return { ...base, text: item.text.body };
  const choice = item.interactive?.button_reply?.id ?? item.interactive?.list_reply?.id;
  if (item.type === 'interactive' && choice !== undefined) return { ...base, choice };
  if (item.type === 'button') return undefined; // a template's quick reply: nothing bodega asked
  return UNREADABLE.has(item.type) ? { ...base, unsupported: item.type } : undefined;
}
