import { errorReply, reply, table, text } from '../chat/reply.ts';
import { atLeast } from '../domain/people/index.ts';
import { requireUser } from './context.ts';
import { arg, defineCommand, recordNumber } from './registry.ts';

export const jobsCommand = defineCommand({
  name: 'jobs',
  aliases: { es: 'tareas' },
  description: { es: 'Tareas largas recientes y su estado', en: 'Recent long-running jobs and their state' },
  minRole: 'staff',
  async run(ctx) {
    const user = requireUser(ctx);
    const recent = await ctx.services.tasks.recent(atLeast(user.role, 'admin') ? null : user.id);
    if (recent.length === 0) return reply(text(ctx.t('jobs.empty')));
    const rows = recent.map((task) => [
      `#${task.id}`,
      task.kind,
      ctx.t(`task.status.${task.status}`),
      task.createdAt.toISOString().slice(0, 16).replace('T', ' '),
      (task.error ?? task.progress ?? '').slice(0, 60),
    ]);
    const columns = ['jobs.col_id', 'jobs.col_kind', 'jobs.col_status', 'jobs.col_started', 'jobs.col_detail'] as const;
    return reply(
      text(ctx.t('jobs.title')),
      table(
        columns.map((key) => ctx.t(key)),
        rows,
        { name: 'jobs' },
      ),
    );
  },
});

export const cancelCommand = defineCommand({
  name: 'cancel',
  aliases: { es: 'cancelar' },
  description: { es: 'Cancela una tarea larga', en: 'Cancel a long-running job' },
  minRole: 'staff',
  args: {
    id: arg.positional(
      recordNumber(),
      { es: 'tarea', en: 'job' },
      {
        es: 'El número de la tarea (#12)',
        en: 'The job number (#12)',
      },
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
