// What the Discord fake remembers: the application and its bot, every REST call, the interactions it sent and
// their tokens' lifetimes, the messages each channel shows (with their edit history), registered commands, and the
// 429s and refusals tests ask for.
import { generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';

export interface DiscordFakeOptions {
  /** How long an interaction's token works for follow-ups and edits (Discord: 15 minutes). */
  tokenLifetimeMs?: number;
  /** How long the first response (callback) may wait (Discord: 3 seconds). */
  responseDeadlineMs?: number;
}

export interface DiscordCall {
  method: string;
  /** The path as requested, below `/api/v10`. */
  path: string;
  /** The spec's template it matched, e.g. `/channels/{channel_id}/messages`. */
  route: string;
  /** The JSON body (from `payload_json` for multipart). */
  body: unknown;
  files: Array<{ name: string; data: Buffer }>;
  /** `Bot <token>` sent, none (interaction routes), or a wrong one. */
  auth: 'bot' | 'none' | 'wrong';
  status: number;
  /** Discord's error code when refused. */
  code?: number;
  at: number;
}

export interface FakeMessage {
  id: string;
  channelId: string;
  /** How it came: the interaction's response, a follow-up, or a channel message with the bot token. */
  via: 'response' | 'followup' | 'channel';
  interactionId?: string;
  /** Everything the message has shown (content and embeds as read), oldest first (a deferred response starts empty: "thinking..."). */
  versions: string[];
  content: string;
  embeds: unknown[];
  components: Array<{ type: number; components: Array<Record<string, unknown>> }>;
  files: Array<{ name: string; data: Buffer }>;
  ephemeral: boolean;
}

export interface FakeInteraction {
  id: string;
  token: string;
  channelId: string;
  type: number;
  createdAt: number;
  /** The callback type it was answered with (4, 5, 6, 7, 8), once. */
  responded?: number;
  choices?: Array<{ name: string; value: unknown }>;
  originalId?: string;
  /** Set by `expire`: the token is refused from now on whatever the clock says. */
  expired?: boolean;
}

export interface RateLimitPlan {
  retryAfterS: number;
  global: boolean;
  /** Only calls whose spec route contains this. */
  route?: string;
  remaining: number;
}

let snowflakeCounter = 0n;
/** Snowflakes as Discord makes them: milliseconds since 2015 shifted left 22, plus a counter. */
export function snowflake(now = Date.now()): string {
  snowflakeCounter = (snowflakeCounter + 1n) % 4096n;
  return ((BigInt(now - 1_420_070_400_000) << 22n) | snowflakeCounter).toString();
}

export function createFakeState(options: DiscordFakeOptions = {}) {
  const keys = generateKeyPairSync('ed25519');
  const applicationId = snowflake();
  const botUserId = applicationId;
  let offsetMs = 0;
  return {
    applicationId,
    botToken: `${Buffer.from(botUserId).toString('base64')}.${randomBytes(4).toString('hex')}.${randomBytes(20).toString('base64url')}`,
    bot: { id: botUserId, username: 'bodega', discriminator: '0', global_name: null, avatar: null, bot: true },
    privateKey: keys.privateKey as KeyObject,
    /** DISCORD_PUBLIC_KEY: the raw 32 bytes of the Ed25519 key, in hex, as the Developer Portal shows it. */
    publicKeyHex: (keys.publicKey.export({ format: 'der', type: 'spki' }) as Buffer).subarray(-32).toString('hex'),
    tokenLifetimeMs: options.tokenLifetimeMs ?? 15 * 60_000,
    responseDeadlineMs: options.responseDeadlineMs ?? 3_000,
    now: () => Date.now() + offsetMs,
    advance(ms: number) {
      offsetMs += ms;
    },
    calls: [] as DiscordCall[],
    interactions: new Map<string, FakeInteraction>(),
    messages: [] as FakeMessage[],
    commands: { global: [] as unknown[], guilds: new Map<string, unknown[]>() },
    rateLimits: [] as RateLimitPlan[],
    /** Bumped on every change a test may wait for. */
    version: 0,
  };
}

export type FakeState = ReturnType<typeof createFakeState>;

/** Whether an interaction's token still works for follow-ups and edits. */
export function tokenOpen(state: FakeState, interaction: FakeInteraction): boolean {
  return !interaction.expired && state.now() - interaction.createdAt < state.tokenLifetimeMs;
}
