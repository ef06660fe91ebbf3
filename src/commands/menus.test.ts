import { describe, expect, it } from 'vitest';
import { contractCommands } from '../../bots/core/contract-commands.ts';
import { coreCommands } from './index.ts';
import { type DiscordOption, discordCommands, telegramMenu } from './menus.ts';
import { createRegistry } from './registry.ts';

const registry = createRegistry([...coreCommands, ...contractCommands]);
const discordName = /^[-_\p{Ll}\p{Lo}\p{N}]{1,32}$/u;

function checkOption(option: DiscordOption) {
  expect(option.name).toMatch(discordName);
  for (const localized of Object.values(option.name_localizations ?? {})) expect(localized).toMatch(discordName);
  expect(option.description.length).toBeGreaterThanOrEqual(1);
  expect(option.description.length).toBeLessThanOrEqual(100);
  expect((option.options ?? []).length).toBeLessThanOrEqual(25);
  const required = (option.options ?? []).map((o) => Boolean(o.required));
  expect(required).toEqual([...required].sort((a, b) => Number(b) - Number(a)));
  for (const child of option.options ?? []) checkOption(child);
}

describe('menus from the registry', () => {
  it('produces Discord slash commands within Discord limits, with Spanish localisations', () => {
    const commands = discordCommands(registry);
    expect(commands.length).toBeLessThanOrEqual(100);
    for (const command of commands) checkOption(command);
    const invite = commands.find((c) => c.name === 'invite');
    expect(invite?.name_localizations['es-ES']).toBe('invitar');
    expect(invite?.options[0]).toMatchObject({ type: 3, name: 'role', required: true });
    expect(invite?.options[0]?.choices?.map((c) => c.value)).toEqual(['viewer', 'staff', 'admin', 'owner']);
    const pages = commands.find((c) => c.name === 'pages');
    expect(pages?.options[0]).toMatchObject({ type: 4, name: 'page', required: false });
  });

  it('produces Telegram menus per language with valid command names', () => {
    const spanish = telegramMenu(registry, 'es');
    const english = telegramMenu(registry, 'en');
    expect(spanish.map((c) => c.command)).toContain('ayuda');
    expect(english.map((c) => c.command)).toContain('help');
    for (const entry of [...spanish, ...english]) {
      expect(entry.command).toMatch(/^[a-z0-9_]{1,32}$/);
      expect(entry.description.length).toBeGreaterThanOrEqual(1);
      expect(entry.description.length).toBeLessThanOrEqual(256);
    }
  });

  it('refuses two commands claiming the same word', () => {
    expect(() =>
      createRegistry([...coreCommands, { ...coreCommands[0]!, name: 'ayuda', aliases: { es: [], en: [] } }]),
    ).toThrow(/used by/);
  });
});
