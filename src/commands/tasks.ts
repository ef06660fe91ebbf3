import { errorReply, reply, table, text } from '../chat/reply.ts';
import { atLeast } from '../domain/people/index.ts';
import { catalogues, type MessageKey, type Translate } from '../i18n/index.ts';
import { requireUser } from './context.ts';
import { arg, defineCommand, recordNumber } from './registry.ts';

/** A task kind in the user's words (`search` → `búsqueda`); a kind without a catalogue entry shows as it is. */
export function taskKindLabel(kind: string, t: Translate): string {
  const key = `task.kind.${kind}`;
  return key in catalogues.es ? t(key as MessageKey) : kind;
}

export const tasksCommand = defineCommand({
  name: 'jobs',
  aliases: { es: 'tareas', en: 'tasks' },
  description: { es: 'Tareas largas recientes y su estado', en: 'Recent long-running tasks and their state' },
  minRole: 'staff',
  async run(ctx) {
    const user = requireUser(ctx);
    const recent = await ctx.services.tasks.recent(atLeast(user.role, 'admin') ? null : user.id);
    if (recent.length === 0) return reply(text(ctx.t('tasks.empty')));
    const rows = recent.map((task) => [
      `#${task.id}`,
      taskKindLabel(task.kind, ctx.t),
      ctx.t(`task.status.${task.status}`),
      ctx.t.dateTime(task.createdAt),
      // Progress says where a running task is; once it has ended, only its error is worth a line.
      (task.error ?? (['pending', 'running'].includes(task.status) ? task.progress : null) ?? '').slice(0, 60),
    ]);
    const columns = [
      'tasks.col_id',
      'tasks.col_kind',
      'tasks.col_status',
      'tasks.col_started',
      'tasks.col_detail',
    ] as const;
    return reply(
      text(ctx.t('tasks.title')),
      table(
        columns.map((key) => ctx.t(key)),
        rows,
        { name: 'tasks' },
      ),
    );
  },
});

export const cancelCommand = defineCommand({
  name: 'cancel',
  aliases: { es: 'cancelar' },
  description: { es: 'Cancela una tarea larga', en: 'Cancel a long-running task' },
  minRole: 'staff',
  args: {
    id: arg.positional(
      recordNumber(),
      { es: 'tarea', en: 'task', form: 'f' },
      { es: 'El número de la tarea (#12)', en: 'The task number (#12)' },
    ),
  },
  async run(ctx, args) {
    const user = requireUser(ctx);
    const task = await ctx.services.tasks.get(args.id);
    if (!task || (!atLeast(user.role, 'admin') && task.requestedBy !== user.id)) {
      return errorReply(text(ctx.t('cancel.not_found', { id: args.id })));
    }
    const result = await ctx.services.tasks.cancel(args.id);
    switch (result.outcome) {
      case 'cancelled':
        return reply(text(ctx.t('cancel.done', { id: args.id })));
      case 'requested':
        return reply(text(ctx.t('cancel.requested', { id: args.id })));
      case 'finished':
        return reply(text(ctx.t('cancel.finished', { id: args.id, status: ctx.t(`task.status.${result.status}`) })));
      case 'not_found':
        return errorReply(text(ctx.t('cancel.not_found', { id: args.id })));
    }
  },
});
