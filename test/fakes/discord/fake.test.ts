// The fake refuses what Discord refuses, through the same client bodega uses (@discordjs/rest), and its gateway
// is enough for discord.js to become ready and hand over INTERACTION_CREATE.
import { DiscordAPIError, REST } from '@discordjs/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGateway } from '../../../bots/discord/gateway.ts';
import { createLogger } from '../../../src/logger.ts';
import { type FakeDiscord, startFakeDiscord } from './index.ts';

let fake: FakeDiscord;
let rest: REST;
const who = { userId: '700000000000000001', channelId: '900000000000000001', guildId: '800000000000000001' };

beforeAll(async () => {
  fake = await startFakeDiscord();
  rest = new REST({ api: fake.apiBase, version: '10' }).setToken(fake.token);
});
afterAll(() => fake.close());

async function refusal(work: () => Promise<unknown>) {
  const error = await work().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DiscordAPIError);
  return error as DiscordAPIError;
}

describe('discord fake REST', () => {
  it('refuses content over 2,000 characters, 26 autocomplete choices and a command name over 32', async () => {
    const long = await refusal(() =>
      rest.post(`/channels/${who.channelId}/messages`, { body: { content: 'x'.repeat(2001) } }),
    );
    expect(long.code).toBe(50035);
    const commands = await refusal(() =>
      rest.put(`/applications/${fake.applicationId}/commands`, {
        body: [{ name: 'x'.repeat(33), description: 'too long a name', type: 1 }],
      }),
    );
    expect(commands.code).toBe(50035);
    expect(fake.calls.at(-1)?.status).toBe(400);
    const option = (name: string) => ({ type: 3, name, description: 'd', name_localizations: { 'es-419': 'precio' } });
    const clash = await refusal(() =>
      rest.put(`/applications/${fake.applicationId}/commands`, {
        body: [{ name: 'search', description: 'd', type: 1, options: [option('min'), option('max')] }],
      }),
    );
    expect(clash.rawError).toMatchObject({
      errors: { '0.options.1.name_localizations.es-419': 'Localized names must be unique' },
    });
  });

  it('refuses six rows of buttons and a button without custom_id', async () => {
    const row = { type: 1, components: [{ type: 2, style: 2, label: 'a', custom_id: 'a' }] };
    const rows = Array.from({ length: 6 }, (_, i) => ({
      ...row,
      components: [{ ...row.components[0], custom_id: `b${i}` }],
    }));
    expect(
      (
        await refusal(() =>
          rest.post(`/channels/${who.channelId}/messages`, { body: { content: 'x', components: rows } }),
        )
      ).code,
    ).toBe(50035);
    const bare = { type: 1, components: [{ type: 2, style: 2, label: 'a' }] };
    expect(
      (
        await refusal(() =>
          rest.post(`/channels/${who.channelId}/messages`, { body: { content: 'x', components: [bare] } }),
        )
      ).code,
    ).toBe(50035);
  });

  it('refuses a wrong bot token with 401', async () => {
    const wrong = new REST({ api: fake.apiBase, version: '10' }).setToken('not-the-token');
    expect((await refusal(() => wrong.get('/users/@me'))).status).toBe(401);
  });

  it('answers 429 with retry_after, which the client waits out', async () => {
    fake.rateLimitNext(0.2, { route: '/channels/' });
    const from = fake.calls.length;
    await rest.post(`/channels/${who.channelId}/messages`, { body: { content: 'after the wait' } });
    expect(fake.calls.slice(from).map((call) => call.status)).toEqual([429, 200]);
    expect(fake.messagesIn(who.channelId).at(-1)?.content).toBe('after the wait');
  });
});

describe('discord fake interaction tokens', () => {
  it('takes one callback within 3 seconds, follow-ups for 15 minutes, then refuses the token', async () => {
    const interaction = fake.payload(2, who, { id: '1', type: 1, name: 'help' });
    fake.trackSent(interaction);
    const callback = `/interactions/${interaction.id}/${interaction.token}/callback` as const;
    await rest.post(callback, { body: { type: 4, data: { content: 'hola' } }, auth: false });
    expect(
      (await refusal(() => rest.post(callback, { body: { type: 4, data: { content: 'again' } }, auth: false }))).code,
    ).toBe(40060);
    const webhook = `/webhooks/${fake.applicationId}/${interaction.token}` as const;
    await rest.patch(`${webhook}/messages/@original`, { body: { content: 'editada' }, auth: false });
    expect(fake.messagesIn(who.channelId).at(-1)?.versions).toEqual(['hola', 'editada']);
    fake.advance(15 * 60_000);
    expect((await refusal(() => rest.post(webhook, { body: { content: 'late' }, auth: false }))).code).toBe(50027);

    const asking = fake.payload(4, who, { id: '1', type: 1, name: 'stock' });
    fake.trackSent(asking);
    const choices = Array.from({ length: 26 }, (_, i) => ({ name: `SKU-${i}`, value: `SKU-${i}` }));
    const tooMany = await refusal(() =>
      rest.post(`/interactions/${asking.id}/${asking.token}/callback`, {
        body: { type: 8, data: { choices } },
        auth: false,
      }),
    );
    expect(tooMany.code).toBe(50035);

    const slow = fake.payload(2, who, { id: '1', type: 1, name: 'help' });
    fake.trackSent(slow);
    fake.advance(3_100);
    expect(
      (
        await refusal(() =>
          rest.post(`/interactions/${slow.id}/${slow.token}/callback`, { body: { type: 5 }, auth: false }),
        )
      ).code,
    ).toBe(10062);
  });
});

describe('discord fake gateway', () => {
  it('lets discord.js become ready and delivers INTERACTION_CREATE', async () => {
    const received: unknown[] = [];
    const gateway = await openGateway({
      token: fake.token,
      apiBase: fake.apiBase,
      log: createLogger({ level: 'silent', pretty: false }),
      onInteraction: async (raw) => {
        received.push(raw);
      },
    });
    try {
      expect(fake.gatewaySessions()).toHaveLength(1);
      const interaction = fake.payload(2, who, { id: '1', type: 1, name: 'help' });
      fake.dispatch(interaction);
      await fake.waitFor(() => received.length > 0);
      expect(received[0]).toMatchObject({ id: interaction.id, token: interaction.token });
    } finally {
      await gateway.close();
    }
  });
});
