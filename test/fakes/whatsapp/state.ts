// What the fake Cloud API remembers: calls, sent messages, users' last inbound times, injected failures, webhooks.
import { type Clock, systemClock } from '../../../src/clock.ts';
import type { ErrorCode } from './errors.ts';
import { createMediaStore } from './media.ts';
import { type ApprovedTemplate, HELLO_WORLD, type PhoneMessage } from './phone.ts';
import type { BusinessNumber, Delivery, StatusDetails } from './webhooks.ts';

export interface WhatsappFakeOptions {
  /** The access token bodega must send as `Authorization: Bearer <token>`. */
  token?: string;
  /** The app secret that signs webhooks (WHATSAPP_APP_SECRET). */
  appSecret?: string;
  /** The verify token of the webhook handshake (WHATSAPP_VERIFY_TOKEN). */
  verifyToken?: string;
  phoneNumberId?: string;
  displayPhoneNumber?: string;
  wabaId?: string;
  /** Where webhooks go; can also be set later with setWebhookUrl. */
  webhookUrl?: string;
  /** Drives the 24-hour customer-service window and webhook timestamps. */
  clock?: Clock;
  /** Approved templates; default Meta's `hello_world`. */
  templates?: ApprovedTemplate[];
  /**
   * How a free-form message outside the 24-hour window fails: `response` answers 131047 at once; `status` accepts
   * it (200 + wamid) and queues a `failed` status with 131047, as the Cloud API often does.
   */
  reengagementErrors?: 'response' | 'status';
}

export interface GraphCall {
  method: string;
  path: string;
  version: string | undefined;
  authorization: string | undefined;
  /** The JSON body, or the multipart fields (files as `{filename, type, size}`). */
  body: unknown;
  status: number;
  response: unknown;
  at: Date;
}

export interface FailureRule {
  code: ErrorCode;
  remaining: number;
  to: string | undefined;
  via: 'response' | 'status';
  details: string | undefined;
}

export const WINDOW_MS = 24 * 60 * 60 * 1000;

/** Phone numbers as WhatsApp ids: digits only (`+1 650-555-1234` → `16505551234`). */
export const waIdOf = (phone: string) => phone.replace(/\D/g, '');

export function createFakeState(options: WhatsappFakeOptions) {
  const business: BusinessNumber = {
    phoneNumberId: options.phoneNumberId ?? '106540352242922',
    displayPhoneNumber: options.displayPhoneNumber ?? '15550783881',
    wabaId: options.wabaId ?? '102290129340398',
  };
  return {
    business,
    token: options.token ?? 'EAAGfakeCloudApiToken0123456789',
    appSecret: options.appSecret ?? 'fake-app-secret-0123456789abcdef',
    verifyToken: options.verifyToken ?? 'fake-verify-token',
    webhookUrl: options.webhookUrl,
    clock: options.clock ?? systemClock,
    templates: options.templates ?? [HELLO_WORLD],
    reengagementErrors: options.reengagementErrors ?? 'response',
    calls: [] as GraphCall[],
    messages: [] as PhoneMessage[],
    media: createMediaStore(),
    lastInbound: new Map<string, Date>(),
    inboundIds: new Set<string>(),
    markedRead: new Set<string>(),
    failures: [] as FailureRule[],
    pendingStatuses: [] as Array<Pick<StatusDetails, 'messageId' | 'error'>>,
    deliveries: [] as Delivery[],
    sequence: 0,
  };
}

export type FakeState = ReturnType<typeof createFakeState>;

/**
 * Message ids shaped like Meta's: `wamid.` + base64 of a small binary record holding the user's number and a
 * counter (outgoing and incoming differ in one marker byte, as real ones do). Unique, deterministic.
 */
export function nextWamid(state: FakeState, waId: string, direction: 'out' | 'in'): string {
  state.sequence += 1;
  const serial = state.sequence
    .toString(16)
    .toUpperCase()
    .padStart(direction === 'out' ? 18 : 20, '0');
  const marker = direction === 'out' ? [0x11, 0x18, 0x12] : [0x12, 0x18, 0x14];
  const bytes = Buffer.concat([
    Buffer.from([0x1c, 0x18, waId.length]),
    Buffer.from(waId),
    Buffer.from([0x15, 0x02, 0x00, ...marker]),
    Buffer.from(serial),
    Buffer.from([0x00]),
  ]);
  return `wamid.${bytes.toString('base64')}`;
}

/** Whether the user wrote to the business in the last 24 hours (the customer-service window). */
export function windowOpen(state: FakeState, waId: string): boolean {
  const last = state.lastInbound.get(waId);
  return last !== undefined && state.clock.now().getTime() - last.getTime() < WINDOW_MS;
}

/** Takes the first injected failure that applies to a send to `waId`, counting it down. */
export function takeFailure(state: FakeState, waId: string): FailureRule | undefined {
  const rule = state.failures.find((candidate) => candidate.to === undefined || candidate.to === waId);
  if (!rule) return undefined;
  rule.remaining -= 1;
  if (rule.remaining <= 0) state.failures.splice(state.failures.indexOf(rule), 1);
  return rule;
}
