/**
 * The REST routes bodega calls, as Discord's v10 API names them. discord-api-types' `Routes` builds the same
 * strings, but loading it costs an idle bodega ~12 MiB for these seven.
 */
export const Routes = {
  interactionCallback: (id: string, token: string) => `/interactions/${id}/${token}/callback` as const,
  webhook: (applicationId: string, token: string) => `/webhooks/${applicationId}/${token}` as const,
  webhookMessage: (applicationId: string, token: string, messageId: string) =>
    `/webhooks/${applicationId}/${token}/messages/${messageId}` as const,
  channelMessages: (channelId: string) => `/channels/${channelId}/messages` as const,
  channelMessage: (channelId: string, messageId: string) => `/channels/${channelId}/messages/${messageId}` as const,
  applicationCommands: (applicationId: string) => `/applications/${applicationId}/commands` as const,
  applicationGuildCommands: (applicationId: string, guildId: string) =>
    `/applications/${applicationId}/guilds/${guildId}/commands` as const,
};
