import { describe, expect, it } from 'vitest';
import { createConversation } from '../../test/helpers/conversation.ts';
import { useTestDatabase } from '../../test/helpers/database.ts';

const database = useTestDatabase();

describe('alerts', () => {
  it("turn on by default for the owner's first linked chat, once, and the reply says how to turn them off", async () => {
    const { core, say } = await createConversation(database());
    const first = await say('/inicio');
    expect(first.text).toContain('Esta cuenta ya está vinculada');
    expect(first.text).toMatch(/avisos de stock bajo, pedidos y reportes/);
    expect(first.text).toContain('/avisos no');
    const topics = async (chatId: string) =>
      (
        await Promise.all(
          ['stock', 'orders', 'reports', 'prices'].map((topic) =>
            core.services.subscriptions.subscribers(topic as 'stock'),
          ),
        )
      ).map((list) => list.some((chat) => chat.chatId === chatId));
    expect(await topics('100')).toEqual([true, true, true, false]);

    // A second owner's chat is not subscribed by default: the shop's first one already was.
    const owner = (await core.services.people.findByIdentity('telegram:100'))!;
    const invite = await core.services.people.createInvite(owner, 'owner');
    const second = await say(`/inicio ${invite.code}`, { identity: 'telegram:300' });
    expect(second.text).not.toContain('/avisos no');
    expect(await topics('300')).toEqual([false, false, false, false]);

    const state = await say('/avisos');
    expect(state.text).toMatch(/avisos de stock bajo, pedidos y reportes/);
    expect(state.text).toContain('/avisos no');
  });
});
