import { describe, expect, it } from 'vitest';
import { contractCommands } from '../../bots/core/contract-commands.ts';
import { coreCommands } from './index.ts';
import { telegramMenu } from './menus.ts';
import { createRegistry } from './registry.ts';

const registry = createRegistry([...coreCommands, ...contractCommands]);
describe('menus from the registry', () => {
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
