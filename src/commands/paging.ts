import { z } from 'zod';
import { type Block, buttons } from '../chat/reply.ts';
import type { Translate } from '../i18n/index.ts';
import { type ArgSpec, arg, shownWord, type Words } from './registry.ts';

const PAGE_WORDS: Words = { es: ['pagina', 'página'], en: ['page'] };

/** The `page:N` key (`pagina:N` in Spanish) of every paged listing. */
export function pageArg(
  max: number,
  description: { es: string; en: string },
): ArgSpec<z.ZodDefault<z.ZodCoercedNumber<unknown>>> {
  return arg.key(
    z.coerce.number().int().min(1).max(max).default(1),
    PAGE_WORDS,
    { es: 'página', en: 'page', form: 'f' },
    description,
  );
}

/** Previous/next buttons that re-enter `base` (a command line in the user's words) on another page; none when there is one page. */
export function pageButtons(t: Translate, base: string, page: number, hasMore: boolean): Block[] {
  const key = shownWord(PAGE_WORDS, t.locale, 'page');
  const list = [
    ...(page > 1 ? [{ label: t('paging.prev'), command: `${base} ${key}:${page - 1}` }] : []),
    ...(hasMore ? [{ label: t('paging.next'), command: `${base} ${key}:${page + 1}` }] : []),
  ];
  return list.length > 0 ? [buttons(...list)] : [];
}
