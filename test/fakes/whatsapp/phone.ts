// What a user's phone shows for each message the business sent, and the approved templates it may use.
import { type GraphError, graphError } from './errors.ts';
import type { StoredMedia } from './media.ts';
import type { MessageStatus } from './webhooks.ts';

type Body = Record<string, any>;

/** An approved message template; `body` uses `{{1}}`, `{{2}}`... like the ones made in WhatsApp Manager. */
export interface ApprovedTemplate {
  name: string;
  language: string;
  body: string;
  category?: 'utility' | 'marketing' | 'authentication';
}

/** Every Cloud API test number starts with Meta's sample template. */
export const HELLO_WORLD: ApprovedTemplate = {
  name: 'hello_world',
  language: 'en_US',
  category: 'utility',
  body: 'Hello World\n\nWelcome and congratulations!! This message demonstrates your ability to send a WhatsApp message notification from the Cloud API, hosted by Meta. Thank you for taking the time to test with us.',
};

export interface PhoneMessage {
  id: string;
  /** The recipient's WhatsApp id (digits only). */
  to: string;
  at: Date;
  kind: 'text' | 'buttons' | 'list' | 'document' | 'image' | 'template' | 'other';
  /** Text, interactive body, caption or the rendered template body: what the user reads. */
  text: string | undefined;
  header?: string;
  footer?: string;
  buttons?: Array<{ id: string; title: string }>;
  list?: { button: string; rows: Array<{ id: string; title: string; description?: string; section?: string }> };
  document?: { filename?: string; caption?: string; link?: string; media?: StoredMedia };
  image?: { caption?: string; link?: string; media?: StoredMedia };
  template?: { name: string; language: string; parameters: string[] };
  /** The message this one replies to (`context.message_id`). */
  replyTo?: string;
  status: MessageStatus | 'accepted';
  /** The request body exactly as the adapter sent it. */
  request: Body;
}

function templateParameters(template: Body): string[] {
  const body = (template.components as Body[] | undefined)?.find((component) => component.type === 'body');
  return ((body?.parameters as Body[] | undefined) ?? []).map((parameter) =>
    String(parameter.text ?? parameter.currency?.fallback_value ?? parameter.date_time?.fallback_value ?? ''),
  );
}

const placeholders = (text: string) => new Set(text.match(/\{\{\d+\}\}/g) ?? []).size;

/** Checks a template send against the approved ones: unknown name/language 132001, wrong parameter count 132000. */
export function checkTemplate(approved: ApprovedTemplate[], template: Body): GraphError | undefined {
  const language = String(template.language?.code);
  const match = approved.find((entry) => entry.name === template.name && entry.language === language);
  if (!match) return graphError(132001, `template name (${String(template.name)}) does not exist in ${language}`);
  const expected = placeholders(match.body);
  const given = templateParameters(template).length;
  if (given !== expected)
    return graphError(
      132000,
      `body: number of localizable_params (${given}) does not match the expected number of params (${expected})`,
    );
  return undefined;
}

export function findTemplate(approved: ApprovedTemplate[], template: Body): ApprovedTemplate | undefined {
  return approved.find((entry) => entry.name === template.name && entry.language === template.language?.code);
}

/** Turns an accepted request into what the phone displays. */
export function phoneView(
  request: Body,
  base: Pick<PhoneMessage, 'id' | 'to' | 'at'>,
  lookup: { media(id: string): StoredMedia | undefined; templates: ApprovedTemplate[] },
): PhoneMessage {
  const common = {
    ...base,
    status: 'accepted' as const,
    request,
    ...(request.context?.message_id ? { replyTo: String(request.context.message_id) } : {}),
  };
  const type = request.type ?? 'text';
  if (type === 'text') return { ...common, kind: 'text', text: request.text.body };
  if (type === 'document' || type === 'image') {
    const { id, link, caption, filename } = request[type] as Body;
    const file = { caption, link, media: id === undefined ? undefined : lookup.media(String(id)) };
    return type === 'document'
      ? { ...common, kind: 'document', text: caption, document: { ...file, filename } }
      : { ...common, kind: 'image', text: caption, image: file };
  }
  if (type === 'template') return templateView(common, request.template, lookup.templates);
  if (type === 'interactive') return interactiveView(common, request.interactive);
  return { ...common, kind: 'other', text: undefined };
}

function templateView(common: Omit<PhoneMessage, 'kind' | 'text'>, template: Body, approved: ApprovedTemplate[]) {
  const parameters = templateParameters(template);
  const body = findTemplate(approved, template)?.body ?? '';
  const text = body.replace(/\{\{(\d+)\}\}/g, (_, index: string) => parameters[Number(index) - 1] ?? '');
  const info = { name: String(template.name), language: String(template.language.code), parameters };
  return { ...common, kind: 'template' as const, text, template: info };
}

function interactiveView(common: Omit<PhoneMessage, 'kind' | 'text'>, interactive: Body): PhoneMessage {
  const frame = {
    ...common,
    text: interactive.body?.text as string | undefined,
    ...(interactive.header?.text ? { header: String(interactive.header.text) } : {}),
    ...(interactive.footer?.text ? { footer: String(interactive.footer.text) } : {}),
  };
  if (interactive.type === 'button') {
    const buttons = (interactive.action.buttons as Body[]).map(({ reply }) => ({ id: reply.id, title: reply.title }));
    return { ...frame, kind: 'buttons', buttons };
  }
  if (interactive.type === 'list') {
    const rows = (interactive.action.sections as Body[]).flatMap((section) =>
      (section.rows as Body[]).map((row) => ({
        id: String(row.id),
        title: String(row.title),
        ...(row.description === undefined ? {} : { description: String(row.description) }),
        ...(section.title === undefined ? {} : { section: String(section.title) }),
      })),
    );
    return { ...frame, kind: 'list', list: { button: String(interactive.action.button), rows } };
  }
  return { ...frame, kind: 'other' };
}
