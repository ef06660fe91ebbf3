import { beforeAll, describe, expect, it } from 'vitest';
import { createConversation } from '../../test/helpers/conversation.ts';
import { useTestDatabase } from '../../test/helpers/database.ts';
import { catalogues, type Locale, type Message, type MessageKey, translator } from '../i18n/index.ts';

const database = useTestDatabase();
let conversation: Awaited<ReturnType<typeof createConversation>>;

/** Words that are the same in both languages or are names, not prose: they prove nothing either way. */
const SHARED = new Set([
  'stock',
  'sku',
  'skus',
  'api',
  'csv',
  'etsy',
  'aliexpress',
  'telegram',
  'discord',
  'whatsapp',
  'bodega',
  'email',
  'http',
  'https',
  'token',
  'bearer',
  'authorization',
  'admin',
  'total',
  'ttl',
  'iso',
  'iana',
  'america',
  'mexico',
  'city',
  'europe',
  'madrid',
  'usd',
  'mxn',
  'eur',
  'utc',
  'cst',
  'online',
  'owner',
  'console',
]);

const textsOf = (message: Message) =>
  typeof message === 'string' ? [message] : Object.entries(message).flatMap(([k, v]) => (k === 'by' ? [] : [v]));
const wordsIn = (text: string) =>
  text
    .replace(/\/\S+|\{\w+\}|\b\w+:\S*|https?:\S+/g, ' ')
    .toLowerCase()
    .match(/\p{L}{4,}/gu) ?? [];

/** Words only one language's catalogue uses: seeing one in the other language's reply is a leak. */
function onlyIn(locale: Locale): Set<string> {
  const other: Locale = locale === 'es' ? 'en' : 'es';
  const mine = new Set(Object.values(catalogues[locale]).flatMap(textsOf).flatMap(wordsIn));
  const theirs = new Set(Object.values(catalogues[other]).flatMap(textsOf).flatMap(wordsIn));
  return new Set([...mine].filter((word) => !theirs.has(word) && !SHARED.has(word)));
}

/** What a user of `locale` reads across every command's help and usage, every error and the paging buttons. */
async function everythingShown(locale: Locale): Promise<string[]> {
  const lang = locale;
  const { core, say } = conversation;
  const shown: string[] = [(await say(locale === 'es' ? '/ayuda' : '/help', { lang })).text];
  for (const command of core.registry.commands) {
    const name = locale === 'es' ? (command.aliases.es[0] ?? command.name) : command.name;
    shown.push((await say(`/${locale === 'es' ? 'ayuda' : 'help'} ${name}`, { lang })).text);
    // A command with a wrong extra word answers with the problem and its usage line.
    shown.push((await say(`/${name} zzz qqq`, { lang })).text);
  }
  const t = translator(locale);
  for (const key of Object.keys(catalogues.es).filter((name) => name.startsWith('error.')) as MessageKey[]) {
    const params = Object.fromEntries(
      [
        ...textsOf(catalogues.es[key])
          .join(' ')
          .matchAll(/\{(\w+)\}/g),
      ].map((m) => [m[1] as string, 2]),
    );
    shown.push(t(key, { count: 2, ...params }));
  }
  const page = await say(locale === 'es' ? '/stock pagina:1' : '/stock page:1', { lang });
  shown.push(page.text, ...page.buttons.flatMap((button) => [button.label, button.command]));
  return shown;
}

beforeAll(async () => {
  conversation = await createConversation(database());
  for (let i = 1; i <= 20; i++) await conversation.say(`/producto agregar TAZ-${i} Taza ${i} precio:10 stock:${i}`);
});

describe('Spanish first, English second', () => {
  it.each(['es', 'en'] as const)('shows no word of the other language anywhere a %s user looks', async (locale) => {
    const foreign = onlyIn(locale === 'es' ? 'en' : 'es');
    const leaks = (await everythingShown(locale)).flatMap((text) =>
      wordsIn(text)
        .filter((word) => foreign.has(word))
        .map((word) => `${word} ← ${text.slice(0, 120)}`),
    );
    expect(leaks).toEqual([]);
  });

  it('takes Spanish words wherever Spanish is shown: sí and no, roles, alert topics, languages', async () => {
    const { say } = conversation;
    expect((await say('/avisos sí pedidos')).text).toContain('recibe avisos de pedidos');
    expect((await say('/avisos no pedidos')).error).toBe(false);
    for (const role of ['lector', 'personal', 'administrador', 'dueño', 'dueno']) {
      expect((await say(`/invitar ${role}`)).text).toMatch(/Código de invitación para \p{L}+/u);
    }
    expect((await say('/idioma ES')).text).toBe('Listo, te escribiré en español.');
    expect((await say('/idioma english')).text).toContain('English');
    expect((await say('/notify yes orders', { lang: 'en' })).text).toContain('orders');
    expect((await say('/idioma español')).text).toBe('Listo, te escribiré en español.');
  });

  it('names every kind of long task in both languages in /tareas', () => {
    for (const { kind } of conversation.core.taskDefinitions)
      for (const locale of ['es', 'en'] as const) expect(catalogues[locale]).toHaveProperty([`task.kind.${kind}`]);
  });

  it('points plain text to the help instead of calling it an unknown command', async () => {
    const hello = await conversation.say('hola', { private: true });
    expect(hello.text).toContain('/ayuda');
    expect(hello.text).not.toContain('No conozco el comando');
  });

  it('talks about revoking when /revocar cannot find the person', async () => {
    const answer = await conversation.say('/revocar nadie');
    expect(answer.error).toBe(true);
    expect(answer.text).toContain('/usuarios');
    expect(answer.text).not.toMatch(/rol|role/i);
  });

  it('refuses a search whose minimum is over its maximum, saying why', async () => {
    const answer = await conversation.say('/buscar mouse min:100 max:50');
    expect(answer.error).toBe(true);
    expect(answer.text).toContain('El mínimo (100) es mayor que el máximo (50)');
  });

  it('writes numbers the way the shop region does: 1,234 in Mexico, 1.234 in Spain', async () => {
    const { say } = conversation;
    await say('/producto agregar MIL-1 Jarra precio:10 stock:1234');
    expect((await say('/stock MIL-1')).text).toContain('1,234');
    await say('/ajustes region ES');
    expect((await say('/stock MIL-1')).text).toContain('1.234');
    await say('/ajustes region MX');
  });
});
