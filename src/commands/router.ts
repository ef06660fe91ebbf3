import { errorText } from '../chat/error-text.ts';
import { errorReply, type Reply, reply, text } from '../chat/reply.ts';
import type { Clock } from '../clock.ts';
import { atLeast, type User } from '../domain/people/index.ts';
import { isAppError } from '../errors.ts';
import { type Locale, pickLocale, type Translate, translator } from '../i18n/index.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import type { CommandContext, CommandInput, Services } from './context.ts';
import { bindArgs, closest, type Invocation, splitInvocation, tokenize, usageLine } from './parse.ts';
import type { CommandRateLimit } from './rate-limit.ts';
import { type Command, displayName, findSubcommand, type Outcome, type Registry, type Subcommand } from './registry.ts';

export interface RouterDeps {
  registry: Registry;
  services: Services;
  clock: Clock;
  log: Logger;
  metrics?: Metrics;
  rateLimit: CommandRateLimit;
}

/** What the router answers: the reply (its `taskId` names the task a long command started) and its language. */
export interface Handled {
  reply: Reply;
  /** The language the reply is written in; adapters lay it out with it. */
  locale: Locale;
}

export interface Router {
  /** Handles one inbound message; undefined when the text is not a command for us, or nothing is to be said. */
  handle(input: CommandInput): Promise<Handled | undefined>;
  /** Suggestions for one argument (`path` is the command and subcommand names), only for a user whose role may run it. */
  complete?(input: CommandInput, path: string[], arg: string, partial: string): Promise<string[]>;
}

type Action = Pick<Subcommand, 'minRole' | 'args' | 'run'>;

/** Identity → user and language → rate limit → command → role → arguments → handler, with one error path. */
export function createRouter(deps: RouterDeps): Router {
  const { registry, services, log } = deps;

  return {
    complete,
    async handle(input) {
      const invocation = splitInvocation(input.text, {
        slashRequired: input.slashRequired,
        botUsername: input.botUsername,
      });
      if (!invocation) return undefined;
      const user = await services.people.knownAs(input.identity, input.displayName);
      const shop = await services.settings.current();
      const locale = pickLocale(user?.locale, input.languageCode, shop.language);
      const t = translator(locale, shop);
      const command = registry.find(invocation.word);
      const started = performance.now();
      let outcome = 'ok';
      try {
        const rate = deps.rateLimit.hit(input.identity);
        if (!rate.allowed) {
          outcome = 'rate_limited';
          if (!rate.tell) return undefined;
          return { reply: errorReply(text(t('error.rate_limited', { seconds: rate.waitSeconds }))), locale };
        }
        if (!command) {
          outcome = 'unknown';
          return { reply: unknownCommand(invocation, user, t), locale };
        }
        const handled = await runCommand(command, invocation.rest, { input, user, locale, t, shop });
        if (handled.reply.error) outcome = 'refused';
        return handled;
      } catch (error) {
        outcome = 'error';
        if (!isAppError(error))
          log.error({ err: error, command: command?.name, identity: input.identity }, 'command failed');
        return { reply: errorReply(text(errorText(error, t))), locale };
      } finally {
        const name = command?.name ?? 'unknown';
        deps.metrics?.commands.inc({ command: name, platform: input.platform, outcome });
        deps.metrics?.commandDuration.observe({ command: name }, (performance.now() - started) / 1000);
      }
    },
  };

  async function complete(input: CommandInput, path: string[], arg: string, partial: string): Promise<string[]> {
    const command = path[0] ? registry.find(path[0]) : undefined;
    const action = path[1] && command ? findSubcommand(command, path[1]) : command?.action;
    if (!command || !action?.complete) return [];
    const user = await services.people.findByIdentity(input.identity);
    if (!user || (action.minRole !== 'anyone' && !atLeast(user.role, action.minRole))) return [];
    const shop = await services.settings.current();
    const locale = pickLocale(user.locale, input.languageCode, shop.language);
    const ctx: CommandContext = {
      input,
      user,
      locale,
      t: translator(locale, shop),
      shop,
      services,
      registry,
      clock: deps.clock,
      log,
    };
    return action.complete(ctx, arg, partial);
  }

  /** A typo gets "did you mean"; words that are no command at all ("hola") get a friendly pointer to /help. */
  function unknownCommand(invocation: Invocation, user: User | undefined, t: Translate): Reply {
    if (!user) return errorReply(text(t('error.not_linked')));
    const suggestion = closest(invocation.word, registry.allNames());
    if (!invocation.slashed && !suggestion) return reply(text(t('error.not_a_command')));
    const lines = [t('error.unknown_command', { command: `/${invocation.word}` })];
    lines.push(suggestion ? t('error.did_you_mean', { suggestion: `/${suggestion}` }) : t('error.see_help'));
    return errorReply(text(lines.join(' ')));
  }

  async function runCommand(
    command: Command,
    rest: string,
    asked: Pick<CommandContext, 'input' | 'user' | 'locale' | 't' | 'shop'>,
  ): Promise<Handled> {
    const { user, locale, t } = asked;
    const refuse = (message: string): Handled => ({ reply: errorReply(text(message)), locale });
    const tokens = tokenize(rest, t);
    if (!tokens.ok) return refuse(tokens.problems.join('\n'));
    const first = tokens.value[0];
    const sub = first && first.quotedFrom === undefined ? findSubcommand(command, first.text) : undefined;
    const action: Action | undefined = sub ?? command.action;
    const path = sub ? [displayName(command, locale), displayName(sub, locale)] : [displayName(command, locale)];
    if (!action) {
      if (!user) return refuse(t('error.not_linked'));
      const options = t.list(
        command.subcommands.map((s) => displayName(s, locale)),
        'or',
      );
      const problem = first
        ? t('args.unknown_subcommand', { sub: first.text, options })
        : t('args.missing_subcommand', { options });
      return refuse(problem);
    }
    if (action.minRole !== 'anyone') {
      if (!user) return refuse(t('error.not_linked'));
      if (!atLeast(user.role, action.minRole)) return refuse(t('error.forbidden', { command: `/${path.join(' ')}` }));
    }
    const args = bindArgs(action.args, sub ? tokens.value.slice(1) : tokens.value, t);
    if (!args.ok) {
      const usage = t('error.usage', { usage: usageLine(path, action.args, locale) });
      return refuse([...args.problems, usage].join('\n'));
    }
    const ctx: CommandContext = { ...asked, services, registry, clock: deps.clock, log };
    return deliver(await action.run(ctx, args.value), ctx);
  }

  async function deliver(result: Outcome, ctx: CommandContext): Promise<Handled> {
    if (!('task' in result)) return { reply: result, locale: ctx.locale };
    const { chat, messageId } = ctx.input;
    const task = await services.tasks.create({
      kind: result.task.kind,
      input: result.task.input,
      requestedBy: ctx.user?.id ?? null,
      target: chat,
      locale: ctx.locale,
      // A message run again (a retried update) finds the task it started instead of starting a second one.
      ...(messageId ? { idempotencyKey: `task:${chat.platform}:${chat.chatId}:${messageId}` } : {}),
    });
    const ack: Reply = { ...reply(text(ctx.t('task.started', { id: task.id }))), taskId: task.id };
    return { reply: ack, locale: ctx.locale };
  }
}
