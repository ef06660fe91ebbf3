/** Spanish texts of the discord area; spread into es.ts. Keys start with 'discord.'. */
export const discordEs = {
  'cli.verb.discord':
    'discord register: publica los comandos de barra en Discord (en un servidor con DISCORD_GUILD_ID)',
  'discord.file_too_large':
    'El archivo {file} pesa {size} MB y Discord solo acepta archivos de hasta {limit} MB. Pídelo de nuevo más adelante: los enlaces de descarga llegarán pronto.',
  'discord.register_done': 'Comandos de Discord registrados ({scope}): {count}.',
  'discord.register_off': 'Discord no está configurado: define DISCORD_TOKEN y DISCORD_APPLICATION_ID.',
  'discord.register_failed': 'Discord no aceptó los comandos: {reason}',
  'discord.scope_global': 'globales',
  'discord.scope_guild': 'servidor {guild}',
} as const;
