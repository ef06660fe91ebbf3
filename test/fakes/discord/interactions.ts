// Interactions as Discord sends them (compare test/fixtures/discord/*.json), and their delivery: by HTTP, signed
// with the application's Ed25519 key over `timestamp + body` (or badly, or not at all), or over the gateway.
import { type KeyObject, randomBytes, sign } from 'node:crypto';
import { type FakeInteraction, type FakeState, snowflake } from './state.ts';

export interface Who {
  userId: string;
  username?: string;
  locale?: string;
  /** In a server (member) rather than a DM (user). */
  guildId?: string;
  channelId: string;
}

export interface SlashOption {
  name: string;
  type: number;
  value?: string | number | boolean;
  focused?: boolean;
  options?: SlashOption[];
}

export function interactionPayload(state: FakeState, type: number, who: Who, data?: Record<string, unknown>) {
  const id = snowflake(state.now());
  const token = `aW50ZXJhY3Rpb246${id}:${randomBytes(48).toString('base64url')}`;
  const user = {
    id: who.userId,
    username: who.username ?? `user${who.userId.slice(-4)}`,
    discriminator: '0',
    global_name: who.username ?? null,
    avatar: null,
    public_flags: 0,
  };
  const place = who.guildId
    ? {
        guild_id: who.guildId,
        guild_locale: 'en-US',
        member: { user, roles: [], nick: null, permissions: '2147483647', joined_at: '2024-01-01T00:00:00+00:00' },
        channel: { id: who.channelId, type: 0, guild_id: who.guildId },
        context: 0,
      }
    : { user, channel: { id: who.channelId, type: 1 }, context: 1 };
  return {
    id,
    application_id: state.applicationId,
    type,
    token,
    version: 1,
    locale: who.locale ?? 'es-419',
    channel_id: who.channelId,
    app_permissions: '442368',
    entitlements: [],
    authorizing_integration_owners: { '0': who.guildId ?? who.userId },
    ...place,
    ...(data ? { data } : {}),
  };
}

export type InteractionPayload = ReturnType<typeof interactionPayload>;

/** Remembers an interaction as sent now, so its token and 3-second deadline count from here. */
export function track(state: FakeState, payload: { id: string; token: string; type: number; channel_id?: string }) {
  const known = state.interactions.get(payload.id);
  if (known) return known;
  const tracked: FakeInteraction = {
    id: payload.id,
    token: payload.token,
    type: payload.type,
    channelId: payload.channel_id ?? '',
    createdAt: state.now(),
  };
  state.interactions.set(payload.id, tracked);
  return tracked;
}

export type Signature = 'valid' | 'invalid' | 'missing' | 'other-key';

/** The body and headers Discord sends for an interaction, signed as asked. */
export function signedRequest(
  state: FakeState,
  payload: unknown,
  signature: Signature = 'valid',
  otherKey?: KeyObject,
) {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const timestamp = String(Math.floor(state.now() / 1000));
  const key = signature === 'other-key' && otherKey ? otherKey : state.privateKey;
  let signed = sign(null, Buffer.from(timestamp + body), key).toString('hex');
  if (signature === 'invalid') signed = `${signed.slice(0, -2)}${signed.endsWith('00') ? '01' : '00'}`;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'Discord-Interactions/1.0 (+https://discord.com)',
    ...(signature === 'missing' ? {} : { 'x-signature-ed25519': signed, 'x-signature-timestamp': timestamp }),
  };
  return { body, headers };
}

/** Posts an interaction to bodega's `/webhooks/discord` as Discord does, signed as asked. */
export async function postInteraction(
  state: FakeState,
  url: string,
  payload: unknown,
  signature: Signature = 'valid',
  otherKey?: KeyObject,
) {
  const { body, headers } = signedRequest(state, payload, signature, otherKey);
  const response = await fetch(url, { method: 'POST', headers, body });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: response.status, body: json };
}
