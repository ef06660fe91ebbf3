import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../test/helpers/database.ts';
import { plainText } from '../chat/reply.ts';
import { manualClock } from '../clock.ts';
import { loadConfig } from '../config.ts';
import { createCore } from '../core.ts';
import { createLogger } from '../logger.ts';
import type { CommandInput } from './context.ts';
import { createCommandRateLimit } from './rate-limit.ts';

const database = useTestDatabase();
const log = createLogger({ level: 'silent', pretty: false });

function input(identity: string, text: string, extra: Partial<CommandInput> = {}): CommandInput {
  return {
    platform: 'telegram',
    identity,
    text,
    displayName: 'Test',
    chat: { platform: 'telegram', chatId: identity.split(':')[1] ?? '1', kind: 'private' },
    slashRequired: true,
    ...extra,
  };
}

describe('router', () => {
  it('lets an unlinked identity run only /start and /help, revealing nothing else', async () => {
    const { router } = createCore({ database: database(), config: loadConfig({}), log });
    const help = await router.handle(input('telegram:777', '/help', { languageCode: 'en' }));
    expect(plainText(help!.reply)).toContain('/start');
    expect(plainText(help!.reply)).not.toContain('/users');
    const users = await router.handle(input('telegram:777', '/usuarios'));
    expect(plainText(users!.reply)).toContain('Todavía no conozco esta cuenta');
    expect(users!.reply.error).toBe(true);
    const typo = await router.handle(input('telegram:777', '/usuaros'));
    expect(plainText(typo!.reply)).not.toContain('/usuarios');
  });

  it('answers in the platform language until the user picks one with /lang', async () => {
    const core = createCore({ database: database(), config: loadConfig({}), log });
    await core.services.people.ensureOwners(['telegram:888']);
    const english = await core.router.handle(input('telegram:888', '/ayda', { languageCode: 'en-US' }));
    expect(plainText(english!.reply)).toBe("I don't know the command /ayda. Did you mean /ayuda?");
    await core.router.handle(input('telegram:888', '/idioma es', { languageCode: 'en-US' }));
    const spanish = await core.router.handle(input('telegram:888', '/hepl', { languageCode: 'en-US' }));
    expect(plainText(spanish!.reply)).toBe('No conozco el comando /hepl. ¿Quisiste decir /help?');
  });

  it('accepts the @botname suffix, ignores other bots and plain text where a slash is required', async () => {
    const core = createCore({ database: database(), config: loadConfig({}), log });
    await core.services.people.ensureOwners(['telegram:889']);
    expect(
      await core.router.handle(input('telegram:889', '/ayuda@bodega_bot', { botUsername: 'bodega_bot' })),
    ).toBeDefined();
    expect(
      await core.router.handle(input('telegram:889', '/ayuda@other_bot', { botUsername: 'bodega_bot' })),
    ).toBeUndefined();
    expect(await core.router.handle(input('telegram:889', 'hola'))).toBeUndefined();
    expect(await core.router.handle(input('telegram:889', 'AYUDA', { slashRequired: false }))).toBeDefined();
  });

  it('lists recent long jobs and cancels one from chat, in the user language', async () => {
    const core = createCore({ database: database(), config: loadConfig({}), log });
    await core.services.people.ensureOwners(['telegram:891']);
    const task = await core.services.tasks.create({
      kind: 'search',
      input: {},
      requestedBy: null,
      target: { platform: 'telegram', chatId: '891' },
      locale: 'es',
    });
    const jobs = await core.router.handle(input('telegram:891', '/tareas'));
    expect(plainText(jobs!.reply)).toMatch(new RegExp(`#${task.id} \\| búsqueda \\| en espera`));
    const cancelled = await core.router.handle(input('telegram:891', `/cancel #${task.id}`, { languageCode: 'en' }));
    expect(plainText(cancelled!.reply)).toBe(`Task #${task.id} cancelled.`);
    const again = await core.router.handle(input('telegram:891', `/cancelar ${task.id}`));
    expect(plainText(again!.reply)).toBe(`La tarea #${task.id} ya terminó (cancelada).`);
  });

  it('starts one task for a message run twice (a retried update)', async () => {
    const core = createCore({ database: database(), config: loadConfig({}), log });
    await core.services.people.ensureOwners(['telegram:892']);
    const search = input('telegram:892', '/buscar lampara', { messageId: '77' });
    const first = await core.router.handle(search);
    const again = await core.router.handle(search);
    expect(first?.reply.taskId).toBeDefined();
    expect(again?.reply.taskId).toBe(first?.reply.taskId);
    const started = await database().sql`select count(*)::int as n from tasks where chat_id = '892'`;
    expect(started[0]?.n).toBe(1);
  });

  it('answers politely instead of running once an identity exceeds its rate, once per window', async () => {
    const clock = manualClock();
    const rateLimit = createCommandRateLimit({ max: 3, windowMs: 60_000, clock });
    const core = createCore({ database: database(), config: loadConfig({}), log, clock, rateLimit });
    await core.services.people.ensureOwners(['telegram:890']);
    for (let i = 0; i < 3; i++)
      expect((await core.router.handle(input('telegram:890', '/invitar staff')))!.reply.error).toBeUndefined();
    const before = await database().sql`select count(*)::int as n from invite_codes`;
    const refused = await core.router.handle(input('telegram:890', '/invitar staff'));
    expect(plainText(refused!.reply)).toBe('Vas muy rápido: espera 60 segundos y vuelve a intentarlo.');
    // A flood inside the same window is dropped without a reply each, and runs nothing.
    for (let i = 0; i < 20; i++) {
      clock.advance(1_000);
      expect(await core.router.handle(input('telegram:890', '/invitar staff'))).toBeUndefined();
    }
    const after = await database().sql`select count(*)::int as n from invite_codes`;
    expect(after[0]?.n).toBe(before[0]?.n);
    clock.advance(41_000);
    expect((await core.router.handle(input('telegram:890', '/ayuda')))!.reply.error).toBeUndefined();
  });
});
