/** Where a message goes: a platform and its chat id (a Telegram chat, a Discord channel, a WhatsApp number). */
export interface ChatTarget {
  platform: string;
  chatId: string;
}

export interface ChatRef extends ChatTarget {
  kind: 'private' | 'group';
}
