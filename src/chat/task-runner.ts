import type { Db } from '../../db/client.ts';
import { type Clock, systemClock } from '../clock.ts';
import { type Locale, type Translate, translator } from '../i18n/index.ts';
import type { Logger } from '../logger.ts';
import { errorText } from './error-text.ts';
import { enqueue } from './outbox/outbox.ts';
import { errorReply, type Reply, reply, text } from './reply.ts';
import type { Sender } from './sender.ts';
import type { Task, Tasks } from './tasks.ts';

export interface TaskRunContext<Input> {
  taskId: number;
  input: Input;
  locale: Locale;
  t: Translate;
  requestedBy: number | null;
  signal: AbortSignal;
  /** Reports progress; shown by editing the acknowledgement where the platform allows (at most about once a second). */
  progress(message: string): Promise<void>;
}

export interface TaskDefinition {
  kind: string;
  run(ctx: TaskRunContext<unknown>): Promise<Reply>;
}

/** Declares the work behind a long-running command. */
export function defineTask<Input>(definition: {
  kind: string;
  run(ctx: TaskRunContext<Input>): Promise<Reply>;
}): TaskDefinition {
  return definition as TaskDefinition;
}

export interface TaskRunnerOptions {
  db: Db;
  log: Logger;
  tasks: Tasks;
  definitions: TaskDefinition[];
  senders: Sender[];
  /** "Now" for progress pacing; tests drive it instead of waiting. */
  clock?: Clock;
  chatIds?: string[];
  leaseMs?: number;
  pollMs?: number;
  progressEveryMs?: number;
  /** Where a platform cannot edit, progress goes as new messages: the first at once, then at most this often. */
  progressLinesEveryMs?: number;
  /** How often to repeat the platform's typing indicator while a task runs (Telegram's lasts about 5 s). */
  typingEveryMs?: number;
  /** Called after a result is queued, so the outbox can send it at once. */
  onQueued?: () => void;
  /** False while the database is known to be unreachable: the loop waits instead of failing every poll. */
  available?: () => boolean;
}

export interface TaskRunner {
  /** Runs the next due task, if any; answers whether one ran. */
  runNext(): Promise<boolean>;
  start(): void;
  stop(): Promise<void>;
}

export function createTaskRunner(options: TaskRunnerOptions): TaskRunner {
  const { db, log, tasks } = options;
  const byKind = new Map(options.definitions.map((definition) => [definition.kind, definition]));
  const senders = new Map(options.senders.map((sender) => [sender.platform, sender]));
  const leaseMs = options.leaseMs ?? 120_000;
  const clock = options.clock ?? systemClock;
  let running = false;
  let stopping = false;
  let loop: Promise<void> | undefined;
  const active = new Set<AbortController>();

  async function execute(task: Task) {
    const definition = byKind.get(task.kind);
    const t = translator(task.locale);
    const controller = new AbortController();
    active.add(controller);
    const heartbeat = setInterval(
      () => {
        void tasks.heartbeat(task.id, leaseMs).then(
          ({ cancelRequested }) => cancelRequested && controller.abort(),
          () => {},
        );
      },
      Math.max(50, Math.min(leaseMs / 3, 10_000)),
    );
    const sender = senders.get(task.platform);
    const showTyping = () =>
      void sender
        ?.typing?.(task.chatId)
        .catch((error) => log.debug({ err: error, taskId: task.id }, 'typing action failed'));
    showTyping();
    const typing = setInterval(showTyping, options.typingEveryMs ?? 4_000);
    let lastShown = 0;
    let lastLine = Number.NEGATIVE_INFINITY;
    let lines = 0;
    const progress = async (message: string) => {
      const at = clock.now().getTime();
      if (at - lastShown < (options.progressEveryMs ?? 1_000)) return;
      lastShown = at;
      const { cancelRequested } = await tasks.heartbeat(task.id, leaseMs, message);
      if (cancelRequested) controller.abort();
      const line = t('task.progress', { id: task.id, progress: message });
      if (sender?.edit) {
        await showProgress(task, line).catch((error) =>
          log.warn({ err: error, taskId: task.id }, 'progress edit failed'),
        );
      } else if (at - lastLine >= (options.progressLinesEveryMs ?? 15_000)) {
        lastLine = at;
        await enqueue(db, task, reply(text(line)), task.locale, `task:${task.id}:progress:${++lines}`);
        options.onQueued?.();
      }
    };
    try {
      if (!definition) throw new Error(`No task definition for kind ${task.kind}`);
      const result = await definition.run({
        taskId: task.id,
        input: task.input,
        locale: task.locale,
        t,
        requestedBy: task.requestedBy,
        signal: controller.signal,
        progress,
      });
      if (stopping) return leaveForAnotherRunner(task);
      if (controller.signal.aborted)
        await conclude(task, { status: 'cancelled' }, errorReply(text(t('task.cancelled', { id: task.id }))));
      else await conclude(task, { status: 'success', result }, result);
    } catch (error) {
      if (stopping) return leaveForAnotherRunner(task);
      if (controller.signal.aborted) {
        await conclude(task, { status: 'cancelled' }, errorReply(text(t('task.cancelled', { id: task.id }))));
      } else {
        log.error({ err: error, taskId: task.id, kind: task.kind }, 'task failed');
        const message = errorText(error, t);
        await conclude(
          task,
          { status: 'failed', error: message },
          errorReply(text(t('task.failed', { id: task.id, error: message }))),
        );
      }
    } finally {
      clearInterval(heartbeat);
      clearInterval(typing);
      active.delete(controller);
    }
  }

  /** Shutting down mid-task: the row stays running and is claimed again when its lease ends. */
  function leaveForAnotherRunner(task: Task) {
    log.info({ taskId: task.id }, 'task interrupted by shutdown; it will run again');
  }

  async function showProgress(task: Task, message: string) {
    const sender = senders.get(task.platform);
    if (!sender?.edit || !(await progressMessageOf(task))) return;
    const [out] = sender.layout(reply(text(message)), task.locale);
    if (out) await sender.edit(task.chatId, task.progressMessage as string, out);
  }

  /** The acknowledgement's message id; it may have been sent after this runner claimed the task. */
  async function progressMessageOf(task: Task) {
    task.progressMessage ??= (await tasks.get(task.id))?.progressMessage ?? null;
    return task.progressMessage;
  }

  /** Records the outcome and queues the message for the chat in one transaction. */
  async function conclude(task: Task, outcome: Parameters<Tasks['finish']>[2], message: Reply) {
    await progressMessageOf(task);
    await db.transaction(async (tx) => {
      await tasks.finish(tx, task.id, outcome);
      await enqueue(
        tx,
        { platform: task.platform, chatId: task.chatId },
        // The result concludes the acknowledgement: a platform that can (Discord) puts it in its place.
        task.progressMessage ? { ...message, answers: task.progressMessage } : message,
        task.locale,
        `task:${task.id}:result`,
      );
    });
    options.onQueued?.();
  }

  async function runNext() {
    const task = await tasks.claim([...senders.keys()], leaseMs, options.chatIds);
    if (!task) return false;
    await execute(task);
    return true;
  }

  return {
    runNext,
    start() {
      if (running) return;
      running = true;
      loop = (async () => {
        while (running) {
          const ran =
            options.available?.() !== false &&
            (await runNext().catch((error) => {
              log.error({ err: error }, 'task runner failed to claim');
              return false;
            }));
          if (!ran && running) await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 500));
        }
      })();
    },
    async stop() {
      running = false;
      stopping = true;
      for (const controller of active) controller.abort();
      await loop;
    },
  };
}
