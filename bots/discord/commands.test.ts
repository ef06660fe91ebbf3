import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { coreCommands } from '../../src/commands/index.ts';
import { createRegistry } from '../../src/commands/registry.ts';
import { commandLine, discordCommands, resolveInvocation } from './commands.ts';
import { signatureValid } from './verify.ts';

const registry = createRegistry(coreCommands);

describe('discord slash commands from the registry', () => {
  it('keeps every definition within Discord limits, in English with es-ES and es-419', () => {
    const commands = discordCommands(registry);
    expect(commands.length).toBeGreaterThan(5);
    for (const command of commands) {
      expect(command.name).toMatch(/^[-_\p{L}\p{N}]{1,32}$/u);
      expect(command.description.length).toBeLessThanOrEqual(100);
      expect(command.options.length).toBeLessThanOrEqual(25);
      expect(Object.keys(command.name_localizations)).toEqual(['es-ES', 'es-419']);
    }
    expect(commands.find((c) => c.name === 'search')?.name_localizations['es-419']).toBe('buscar');
  });

  it('turns an invocation back into the command line the router parses', () => {
    const invoked = resolveInvocation(registry, 'stock', [
      { name: 'show', type: 1, options: [{ name: 'sku_or_words', type: 3, value: 'TAZA-1' }] },
    ]);
    expect(invoked && commandLine(invoked)).toBe('/stock TAZA-1');
  });
});

describe('discord interaction signatures', () => {
  it('accepts Discord-style Ed25519 signatures and refuses a changed body', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const body = Buffer.from('{"type":1}');
    const signature = sign(null, Buffer.concat([Buffer.from('123'), body]), privateKey).toString('hex');
    expect(signatureValid(publicKey, signature, '123', body)).toBe(true);
    expect(signatureValid(publicKey, signature, '123', Buffer.from('{"type":2}'))).toBe(false);
    expect(signatureValid(publicKey, null, '123', body)).toBe(false);
  });
});
