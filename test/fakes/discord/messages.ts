// Messages as Discord keeps them, and what an interaction's first response does: the same whether it came as a
// REST callback or as the body of the HTTP answer to the interaction.
import { messageLimits } from './limits.ts';
import type { SpecProblem } from './spec.ts';
import { type DiscordCall, type FakeInteraction, type FakeMessage, type FakeState, snowflake } from './state.ts';

type Json = Record<string, unknown>;
type Files = DiscordCall['files'];

/** A refusal in Discord's shape: HTTP status, Discord's error code, message, and field errors for 50035. */
export class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: SpecProblem[],
  ) {
    super(message);
  }
}

export const invalidForm = (problems: SpecProblem[]) => new Refusal(400, 50035, 'Invalid Form Body', problems);
export const unknownInteraction = () => new Refusal(404, 10062, 'Unknown interaction');

export function createMessage(
  state: FakeState,
  via: FakeMessage['via'],
  channelId: string,
  body: Json,
  files: Files,
  it?: FakeInteraction,
) {
  const problems = messageLimits(body);
  if (problems.length) throw invalidForm(problems);
  const message: FakeMessage = {
    id: snowflake(state.now()),
    channelId,
    via,
    ...(it ? { interactionId: it.id } : {}),
    versions: [readable(String(body.content ?? ''), (body.embeds as unknown[] | undefined) ?? [])],
    content: String(body.content ?? ''),
    embeds: (body.embeds as unknown[] | undefined) ?? [],
    components: (body.components as FakeMessage['components'] | undefined) ?? [],
    files,
    ephemeral: (Number(body.flags ?? 0) & 64) !== 0,
  };
  state.messages.push(message);
  state.version++;
  return message;
}

export function editMessage(state: FakeState, message: FakeMessage | undefined, body: Json, files: Files) {
  if (!message) throw new Refusal(404, 10008, 'Unknown Message');
  const problems = messageLimits(body);
  if (problems.length) throw invalidForm(problems);
  const contentChanged = body.content !== undefined && body.content !== null;
  if (contentChanged) message.content = String(body.content);
  if (body.embeds) message.embeds = body.embeds as unknown[];
  if (contentChanged || body.embeds) message.versions.push(readable(message.content, message.embeds));
  if (body.components) message.components = body.components as FakeMessage['components'];
  if (files.length) message.files = files;
  state.version++;
  return message;
}

/** What a person reads in a message: its content, then each embed's title, description and fields in order. */
function readable(content: string, embeds: unknown[]): string {
  const parts = [content];
  for (const embed of embeds as Array<{
    title?: string;
    description?: string;
    fields?: Array<{ name: string; value: string }>;
  }>) {
    if (embed.title) parts.push(embed.title);
    if (embed.description) parts.push(embed.description);
    for (const field of embed.fields ?? []) parts.push(`${field.name}: ${field.value}`);
  }
  return parts.filter((part) => part !== '').join('\n');
}

/** A message as Discord's API answers it. */
export function shown(state: FakeState, message: FakeMessage) {
  return {
    id: message.id,
    channel_id: message.channelId,
    content: message.content,
    embeds: message.embeds,
    components: message.components,
    attachments: message.files.map((file, i) => ({ id: String(i), filename: file.name, size: file.data.length })),
    author: state.bot,
    type: message.interactionId ? 20 : 0,
    flags: message.ephemeral ? 64 : 0,
    timestamp: new Date(state.now()).toISOString(),
  };
}

/** An interaction's first response (types 4, 5, 6, 7, 8), once and within the 3-second deadline. */
export function applyCallback(
  state: FakeState,
  it: FakeInteraction,
  body: { type: number; data?: Json },
  files: Files,
) {
  if (it.responded !== undefined) throw new Refusal(400, 40060, 'Interaction has already been acknowledged.');
  if (state.now() - it.createdAt > state.responseDeadlineMs) throw unknownInteraction();
  it.responded = body.type;
  if (body.type === 8) it.choices = (body.data?.choices as FakeInteraction['choices']) ?? [];
  if (body.type === 4 || body.type === 5) {
    const data = body.type === 5 ? { flags: body.data?.flags, content: '' } : (body.data ?? {});
    it.originalId = createMessage(state, 'response', it.channelId, data, files, it).id;
  }
  state.version++;
}
