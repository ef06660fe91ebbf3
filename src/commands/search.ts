import { z } from 'zod';
import { type Block, bold, link, type Reply, reply, type Span, text } from '../chat/reply.ts';
import { defineTask, type TaskDefinition } from '../chat/task-runner.ts';
import type { Criteria, ResultPage, SupplierItem, SupplierSearch } from '../domain/sourcing/index.ts';
import { AppError } from '../errors.ts';
import { type Locale, type Translate, translator } from '../i18n/index.ts';
import { parsePrice, toDecimal } from '../money.ts';
import type { Services } from './context.ts';
import { pageArg, pageButtons } from './paging.ts';
import { type ArgSpec, arg, defineCommand, optionalChoice, priceText, shownWord } from './registry.ts';

const PAGE_SIZE = 8;
/** /search's names, also used to write the command behind a result page's buttons. */
const SEARCH_NAMES = { es: 'buscar', en: 'search' } as const;

interface SearchInput {
  words: string;
  criteria: Criteria;
}

/** A supplier product for chat: title, price (and was-price), rating, sales, shipping tags and its link. */
export function itemBlock(item: SupplierItem, prefix: string, t: Translate): Block {
  const facts = [t.money(item.price)];
  if (item.originalPrice && item.originalPrice.minor > item.price.minor)
    facts[0] += ` (${t('search.before', { price: t.money(item.originalPrice) })})`;
  if (item.rating) facts.push(`⭐ ${t.number(Number(item.rating))}`);
  if (item.soldCount !== undefined) facts.push(t('search.sold', { count: item.soldCount }));
  if (item.shipDays !== undefined) facts.push(t('search.ship_days', { count: item.shipDays }));
  facts.push(...item.shippingTags);
  const title = item.title.length > 90 ? `${item.title.slice(0, 89)}…` : item.title;
  const spans: Span[] = [prefix, bold(title), `\n${facts.join(' · ')}\n`, link(t('search.open'), item.url)];
  return text(...spans);
}

/** What the user should know when AliExpress priced results in another currency than the shop's. */
function currencyNote(result: ResultPage, t: Translate): Block[] {
  if (!result.otherCurrency) return [];
  const { criteria } = result;
  const bounded = criteria.minMinor !== undefined || criteria.maxMinor !== undefined;
  const params = { other: result.otherCurrency, shop: criteria.currency };
  return [text(t(bounded ? 'search.other_currency_bounds' : 'search.other_currency', params))];
}

/** One page of a stored search as a reply: each product with price, rating, sales and link; next/previous buttons. */
export function searchReply(result: ResultPage, page: number, t: Translate): Reply {
  if (result.total === 0) {
    const note = currencyNote(result, t);
    return reply(...(note.length > 0 ? note : [text(t('search.none', { words: result.words }))]));
  }
  const pages = Math.ceil(result.total / PAGE_SIZE);
  const header = t('search.header', { words: result.words, page, pages, count: result.total });
  const blocks: Block[] = [text(bold(header))];
  for (const item of result.items) blocks.push(itemBlock(item, `${item.position + 1}. `, t));
  // Result pages rarely tell delivery days; say so rather than let ship: look applied.
  const { maxShipDays } = result.criteria;
  if (maxShipDays !== undefined && result.items.some((item) => item.shipDays === undefined))
    blocks.push(
      text(t('search.ship_unknown', { key: shownWord(criteriaArgs.ship.words, t.locale, ''), count: maxShipDays })),
    );
  blocks.push(...currencyNote(result, t));
  return reply(...blocks, ...pageButtons(t, `/${SEARCH_NAMES[t.locale]} #${result.searchId}`, page, page < pages));
}

/** A stored search's page; past the last page, the last page with a word saying so. */
async function showPage(search: SupplierSearch, searchId: number, page: number, t: Translate): Promise<Reply> {
  const result = await search.page(searchId, page, PAGE_SIZE);
  const last = Math.max(1, Math.ceil(result.total / PAGE_SIZE));
  if (page <= last) return searchReply(result, page, t);
  const shown = searchReply(await search.page(searchId, last, PAGE_SIZE), last, t);
  return { ...shown, blocks: [text(t('paging.past_end', { count: last })), ...shown.blocks] };
}

/** The criteria keys shared by /search and /filter add. */
export const criteriaArgs = {
  words: arg.rest(
    z.string().min(1).max(200),
    { es: 'palabras', en: 'words', form: 'fp' },
    { es: 'Qué buscar', en: 'What to look for' },
  ),
  min: arg.key(
    priceText().optional(),
    ['min'],
    { es: 'precio', en: 'price' },
    { es: 'Precio mínimo', en: 'Lowest price' },
  ),
  max: arg.key(
    priceText().optional(),
    ['max'],
    { es: 'precio', en: 'price' },
    { es: 'Precio máximo', en: 'Highest price' },
  ),
  ship: arg.key(
    z.coerce.number().int().min(1).max(120).optional(),
    { es: ['envio', 'envío'], en: 'ship' },
    { es: 'días', en: 'days', form: 'mp' },
    { es: 'Días de envío como máximo (cuando se conocen)', en: 'Most shipping days (where known)' },
  ),
  rating: arg.key(
    z.coerce.number().min(0).max(5).optional(),
    { es: ['valoracion', 'valoración'], en: 'rating' },
    { es: 'estrellas', en: 'stars', form: 'fp' },
    { es: 'Valoración mínima (0 a 5)', en: 'Lowest rating (0 to 5)' },
  ),
  cat: arg.key(
    z.string().max(60).optional(),
    { es: ['cat', 'categoria', 'categoría'], en: ['cat', 'category'] },
    { es: 'categoría', en: 'category', form: 'f' },
    {
      es: 'Número de categoría de AliExpress, o una palabra que se suma a la búsqueda',
      en: 'AliExpress category number, or a word added to the search',
    },
  ),
  match: arg.key(
    optionalChoice({ all: { es: 'todas', en: 'all' }, any: { es: ['alguna', 'cualquiera'], en: 'any' } }),
    { es: 'coincidir', en: 'match' },
    { es: 'coincidencia', en: 'match', form: 'f' },
    {
      es: 'El título debe tener todas las palabras o alguna (alguna: una búsqueda por palabra)',
      en: 'Titles must have all the words or any one (any: one search per word)',
    },
  ),
  sort: arg.key(
    optionalChoice({
      price: { es: 'precio', en: 'price' },
      orders: { es: ['pedidos', 'ventas'], en: 'orders' },
      rating: { es: ['valoracion', 'valoración'], en: 'rating' },
    }),
    { es: 'orden', en: 'sort' },
    { es: 'orden', en: 'order' },
    { es: 'Cómo ordenar los resultados', en: 'How to order the results' },
  ),
  sold: arg.key(
    z.coerce.number().int().min(0).max(10_000_000).optional(),
    { es: 'vendidos', en: 'sold' },
    { es: 'ventas', en: 'sales', form: 'fp' },
    { es: 'Ventas mínimas', en: 'Fewest sales' },
  ),
};

type SearchArgs = {
  words: string;
  min?: string | undefined;
  max?: string | undefined;
  ship?: number | undefined;
  rating?: number | undefined;
  cat?: string | undefined;
  match?: 'any' | 'all' | undefined;
  sort?: 'price' | 'orders' | 'rating' | undefined;
  sold?: number | undefined;
};

export const searchCommand = defineCommand({
  name: SEARCH_NAMES.en,
  aliases: { es: SEARCH_NAMES.es },
  description: { es: 'Busca productos de proveedores en AliExpress', en: 'Search supplier products on AliExpress' },
  minRole: 'staff',
  args: {
    ...criteriaArgs,
    page: pageArg(PAGE_SIZE),
  },
  async run(ctx, args) {
    const stored = args.words.match(/^#(\d{1,15})$/);
    if (stored) return showPage(ctx.services.search, Number(stored[1]), args.page, ctx.t);
    return { task: { kind: 'search', input: searchInput(args, ctx.shop.currency) } };
  },
});

/**
 * The words and criteria of /search (and of /filter add), with prices in the shop's currency; a lowest price
 * over the highest is refused. A `cat:` that is not a category number joins the words.
 */
export function searchInput(args: SearchArgs, currency: string): SearchInput {
  const categoryId = args.cat && /^\d{1,12}$/.test(args.cat) ? args.cat : undefined;
  const minMinor = args.min === undefined ? undefined : parsePrice(args.min, currency);
  const maxMinor = args.max === undefined ? undefined : parsePrice(args.max, currency);
  if (minMinor !== undefined && maxMinor !== undefined && minMinor > maxMinor)
    throw new AppError(
      'invalid_input',
      'min is over max',
      { min: args.min ?? '', max: args.max ?? '' },
      'search.min_over_max',
    );
  const criteria: Criteria = {
    currency,
    minMinor,
    maxMinor,
    maxShipDays: args.ship,
    minRating: args.rating,
    minSold: args.sold,
    categoryId,
    match: args.match,
    sort: args.sort,
  };
  return { words: args.cat && !categoryId ? `${args.words} ${args.cat}` : args.words, criteria };
}

/** A key and its value as the user types it: `orden:precio`, `max:199.90`. */
function keyed(spec: ArgSpec, locale: Locale, value: string | number | undefined): string[] {
  if (value === undefined) return [];
  const word = spec.choices?.[String(value)]?.[locale][0] ?? String(value);
  return [`${shownWord(spec.words, locale, '')}:${word}`];
}

/** The command line that re-runs a saved search, in the user's words (`/buscar lámpara max:199.00 orden:precio`). */
export function searchLine(words: string, criteria: Criteria, locale: Locale): string {
  const price = (minor: number | undefined) =>
    minor === undefined ? undefined : toDecimal({ minor, currency: criteria.currency });
  const a = criteriaArgs;
  return [
    `/${SEARCH_NAMES[locale]} ${words}`,
    ...keyed(a.min, locale, price(criteria.minMinor)),
    ...keyed(a.max, locale, price(criteria.maxMinor)),
    ...keyed(a.ship, locale, criteria.maxShipDays),
    ...keyed(a.rating, locale, criteria.minRating),
    ...keyed(a.cat, locale, criteria.categoryId),
    ...keyed(a.sold, locale, criteria.minSold),
    ...keyed(a.match, locale, criteria.match),
    ...keyed(a.sort, locale, criteria.sort),
  ].join(' ');
}

/** The durable work behind /search: fetch, remember, filter, then answer with the first page. */
export function searchTask(services: Services): TaskDefinition {
  return defineTask<SearchInput>({
    kind: 'search',
    async run({ input, locale, requestedBy, progress, signal }) {
      const shop = await services.settings.current();
      const t = translator(locale, shop);
      const { searchId } = await services.search.run({
        words: input.words,
        criteria: input.criteria,
        locale,
        shipTo: shop.region,
        requestedBy,
        signal,
        progress: (done, of) => progress(t('search.progress', { done, count: of })),
      });
      return showPage(services.search, searchId, 1, t);
    },
  });
}
