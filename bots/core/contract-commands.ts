// Commands and a task that exist only for the adapter contract suite: they exercise long replies,
// files, buttons, roles and long jobs the same way on every platform. Not registered in production.
import { z } from 'zod';
import { buttons, file, reply, text } from '../../src/chat/reply.ts';
import { defineTask } from '../../src/chat/task-runner.ts';
import { arg, defineCommand } from '../../src/commands/registry.ts';

const lorem = (line: number) => `línea ${String(line).padStart(3, '0')} 🚀 ñandú “comillas” <b>no es html</b> & más`;
export const LONG_REPLY_LINES = 180;
export const longReplyText = Array.from({ length: LONG_REPLY_LINES }, (_, i) => lorem(i + 1)).join('\n');

export const contractCommands = [
  defineCommand({
    name: 'longreply',
    description: { es: 'Respuesta larga de prueba', en: 'Long test reply' },
    minRole: 'viewer',
    async run() {
      return reply(text(longReplyText));
    },
  }),
  defineCommand({
    name: 'getfile',
    description: { es: 'Archivo de prueba', en: 'Test file' },
    minRole: 'viewer',
    async run() {
      return reply(
        text('file follows'),
        file('contract.csv', 'text/csv', Buffer.from('sku,qty\nA-1,3\n'), 'contract file'),
      );
    },
  }),
  defineCommand({
    name: 'pages',
    description: { es: 'Paginación de prueba', en: 'Test paging' },
    minRole: 'viewer',
    args: {
      page: arg.positional(
        z.coerce.number().int().min(1).default(1),
        { es: 'página', en: 'page' },
        { es: 'página', en: 'page' },
      ),
    },
    async run(_ctx, args) {
      const nav = [
        ...(args.page > 1 ? [{ label: '◀ prev', command: `/pages ${args.page - 1}` }] : []),
        { label: 'next ▶', command: `/pages ${args.page + 1}` },
      ];
      return reply(text(`page ${args.page}`), buttons(...nav));
    },
  }),
  defineCommand({
    name: 'staffonly',
    description: { es: 'Solo personal', en: 'Staff only' },
    minRole: 'staff',
    async run() {
      return reply(text('secret staff data'));
    },
  }),
  defineCommand({
    name: 'slow',
    description: { es: 'Tarea larga de prueba', en: 'Long test job' },
    minRole: 'viewer',
    async run() {
      return { task: { kind: 'contract.slow', input: { steps: 3 } } };
    },
  }),
];

export const contractTasks = [
  defineTask<{ steps: number }>({
    kind: 'contract.slow',
    async run({ input, progress }) {
      for (let step = 1; step <= input.steps; step++) {
        await progress(`step ${step}/${input.steps}`);
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
      return reply(text(`slow result: ${input.steps} steps done`));
    },
  }),
];
