import { type Block, buttons } from '../chat/reply.ts';
import type { Translate } from '../i18n/index.ts';

/** Previous/next buttons that re-enter `base` (a command line) on another page; none when there is one page. */
export function pageButtons(t: Translate, base: string, page: number, hasMore: boolean): Block[] {
  const list = [
    ...(page > 1 ? [{ label: t('paging.prev'), command: `${base} page:${page - 1}` }] : []),
    ...(hasMore ? [{ label: t('paging.next'), command: `${base} page:${page + 1}` }] : []),
  ];
  return list.length > 0 ? [buttons(...list)] : [];
}
