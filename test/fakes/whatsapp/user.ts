// The other side of the conversation: a user writing, tapping a button, picking a list row; Meta reporting
// delivery statuses; Meta's verification handshake. Every one is a signed webhook to the configured URL.
import type { ErrorCode } from './errors.ts';
import type { PhoneMessage } from './phone.ts';
import { type FakeState, nextWamid, waIdOf } from './state.ts';
import {
  type Delivery,
  inboundPayload,
  type MessageStatus,
  postWebhook,
  type SignatureMode,
  statusPayload,
} from './webhooks.ts';

export interface DeliverOptions {
  /** `valid` (default), `bad` (signed with another secret) or `missing` (no X-Hub-Signature-256). */
  signature?: SignatureMode;
}

export interface UserOptions extends DeliverOptions {
  /** The profile name Meta puts in `contacts[].profile.name`. */
  name?: string;
}

export type InboundDelivery = Delivery & { messageId: string };

const NEXT: Record<PhoneMessage['status'], MessageStatus[]> = {
  accepted: ['sent', 'delivered', 'read', 'failed'],
  sent: ['delivered', 'read', 'failed'],
  delivered: ['read', 'failed'],
  read: [],
  failed: [],
};

export function createUser(state: FakeState) {
  const seconds = () => String(Math.floor(state.clock.now().getTime() / 1000));

  async function deliver(payload: Record<string, any>, options: DeliverOptions = {}): Promise<Delivery> {
    if (!state.webhookUrl) throw new Error('fake whatsapp: no webhook URL set (option webhookUrl or setWebhookUrl)');
    const signature = options.signature ?? 'valid';
    const delivery = await postWebhook(state.webhookUrl, payload, { appSecret: state.appSecret, signature });
    state.deliveries.push(delivery);
    return delivery;
  }

  async function inbound(phone: string, message: Record<string, unknown>, options: UserOptions) {
    const waId = waIdOf(phone);
    const messageId = nextWamid(state, waId, 'in');
    state.lastInbound.set(waId, state.clock.now());
    state.inboundIds.add(messageId);
    const sender = { waId, name: options.name ?? 'Cliente' };
    const payload = inboundPayload(state.business, sender, { id: messageId, timestamp: seconds(), ...message });
    return { ...(await deliver(payload, options)), messageId };
  }

  function sentMessage(phone: string, messageId: string, kind: PhoneMessage['kind']): PhoneMessage {
    const message = state.messages.find((candidate) => candidate.id === messageId && candidate.to === waIdOf(phone));
    if (message?.kind !== kind) throw new Error(`fake whatsapp: ${phone} has no ${kind} message ${messageId}`);
    return message;
  }

  const context = (messageId: string) => ({ from: state.business.displayPhoneNumber, id: messageId });

  return {
    deliver,
    /** The user writes a text message. */
    sends: (phone: string, text: string, options: UserOptions = {}): Promise<InboundDelivery> =>
      inbound(phone, { type: 'text', text: { body: text } }, options),
    /** The user taps a reply button of a message the business sent them. */
    taps(phone: string, messageId: string, buttonId: string, options: UserOptions = {}): Promise<InboundDelivery> {
      const button = sentMessage(phone, messageId, 'buttons').buttons?.find((candidate) => candidate.id === buttonId);
      if (!button) throw new Error(`fake whatsapp: message ${messageId} has no button ${buttonId}`);
      const interactive = { type: 'button_reply', button_reply: { id: button.id, title: button.title } };
      return inbound(phone, { context: context(messageId), type: 'interactive', interactive }, options);
    },
    /** The user opens a list message and picks a row. */
    picks(phone: string, messageId: string, rowId: string, options: UserOptions = {}): Promise<InboundDelivery> {
      const row = sentMessage(phone, messageId, 'list').list?.rows.find((candidate) => candidate.id === rowId);
      if (!row) throw new Error(`fake whatsapp: message ${messageId} has no row ${rowId}`);
      const reply = { id: row.id, title: row.title, ...(row.description ? { description: row.description } : {}) };
      const interactive = { type: 'list_reply', list_reply: reply };
      return inbound(phone, { context: context(messageId), type: 'interactive', interactive }, options);
    },
    /** Meta reports a status of a message the business sent; only forward moves (sent → delivered → read, failed). */
    async status(
      messageId: string,
      status: MessageStatus,
      options: DeliverOptions & { code?: ErrorCode; details?: string } = {},
    ): Promise<Delivery> {
      const message = state.messages.find((candidate) => candidate.id === messageId);
      if (!message) throw new Error(`fake whatsapp: no sent message ${messageId}`);
      if (!NEXT[message.status].includes(status))
        throw new Error(`fake whatsapp: message ${messageId} cannot go from ${message.status} to ${status}`);
      message.status = status;
      const category = message.kind === 'template' ? 'utility' : 'service';
      const error = options.code === undefined ? undefined : { code: options.code, details: options.details };
      const details = { messageId, status, recipientWaId: message.to, timestamp: seconds(), category, error } as const;
      return deliver(statusPayload(state.business, details), options);
    },
  };
}
