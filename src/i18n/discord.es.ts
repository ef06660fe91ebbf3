/** Spanish texts of the discord area; spread into es.ts. Keys start with 'discord.'. */
export const discordEs = {} as const;
