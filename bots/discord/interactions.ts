import { z } from 'zod';

/** Interaction types bodega meets (Discord's numbers). */
export const InteractionType = { Ping: 1, Command: 2, Component: 3, Autocomplete: 4 } as const;
/** Interaction callback types bodega answers with. */
export const CallbackType = { Pong: 1, Message: 4, Deferred: 5, DeferredUpdate: 6, Choices: 8 } as const;
/** The message flag that shows a message only to the person who asked. */
export const EPHEMERAL = 64;

const snowflake = z.string().regex(/^[0-9]{1,25}$/);
const user = z.looseObject({
  id: snowflake,
  username: z.string().max(64),
  global_name: z.string().max(64).nullish(),
  bot: z.boolean().optional(),
});

export interface CommandOption {
  name: string;
  type: number;
  value?: string | number | boolean | undefined;
  focused?: boolean | undefined;
  options?: CommandOption[] | undefined;
}

const option: z.ZodType<CommandOption> = z.lazy(() =>
  z.looseObject({
    name: z.string().min(1).max(32),
    type: z.number().int(),
    value: z.union([z.string().max(6_000), z.number(), z.boolean()]).optional(),
    focused: z.boolean().optional(),
    options: z.array(option).max(25).optional(),
  }),
);

const commandData = z.looseObject({
  name: z.string().min(1).max(32),
  type: z.number().int().optional(),
  options: z.array(option).max(25).optional(),
});
const componentData = z.looseObject({ custom_id: z.string().min(1).max(100), component_type: z.number().int() });

/** The parts of an interaction bodega reads, as Discord sends them (webhook or gateway); the rest passes through. */
export const interactionSchema = z.looseObject({
  id: snowflake,
  application_id: snowflake,
  type: z.number().int().min(1).max(5),
  token: z.string().max(500),
  version: z.number().int().optional(),
  locale: z.string().max(16).optional(),
  guild_id: snowflake.optional(),
  channel_id: snowflake.optional(),
  channel: z.looseObject({ id: snowflake, type: z.number().int().optional() }).optional(),
  member: z.looseObject({ user, nick: z.string().nullish() }).optional(),
  user: user.optional(),
  data: z.union([commandData, componentData]).optional(),
});

export type Interaction = z.infer<typeof interactionSchema>;
export type CommandData = z.infer<typeof commandData>;

/** An interaction bodega can handle, or the message naming the first field that is not what Discord sends. */
export function checkInteraction(
  value: unknown,
  options: { stored?: boolean } = {},
): { ok: true; interaction: Interaction } | { ok: false; message: string } {
  const parsed = interactionSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      message: `${issue?.path.join('.') || 'interaction'}: ${issue?.message ?? 'is not an interaction'}`,
    };
  }
  const interaction = parsed.data;
  // Interactions as recorded for the inbound worker carry no token (it is kept sealed apart).
  if (!options.stored && interaction.token === '') return { ok: false, message: 'token: must not be empty' };
  if (interaction.type !== InteractionType.Ping && (!channelOf(interaction) || !userOf(interaction)))
    return { ok: false, message: 'an interaction other than PING carries a channel and a user' };
  return { ok: true, interaction };
}

/** Who pressed or typed: the member's user in a guild, the user in a DM. */
export function userOf(interaction: Interaction) {
  return interaction.member?.user ?? interaction.user;
}

export function channelOf(interaction: Interaction): string | undefined {
  return interaction.channel_id ?? interaction.channel?.id;
}

export function commandDataOf(interaction: Interaction): CommandData | undefined {
  const data = interaction.data;
  return data && 'name' in data ? (data as CommandData) : undefined;
}

export function customIdOf(interaction: Interaction): string | undefined {
  const data = interaction.data;
  return data && 'custom_id' in data ? String(data.custom_id) : undefined;
}
