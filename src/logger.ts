import { type LoggerOptions, type Logger as PinoLogger, pino } from 'pino';
import pretty from 'pino-pretty';
import type { LogLevel } from './config.ts';

export type Logger = PinoLogger;

export interface LoggerSettings {
  level: LogLevel;
  /** Human-readable lines (a terminal); JSON lines otherwise. */
  pretty: boolean;
  /** Exact values (tokens, URLs with passwords) scrubbed from every line wherever they appear. */
  secrets?: string[];
  destination?: NodeJS.WritableStream;
  /** 2 for stderr: verbs whose stdout is their answer (`run`, `chat`, `job`...) keep logs off it. Default 1. */
  fd?: 1 | 2;
  /** Error stack traces in lines (debugging); without, an error is its type, code and message on one line. */
  stacks?: boolean;
}

const REDACTED = '[redacted]';

/** Key paths that hold credentials in any object we log. */
export const redactPaths = [
  'password',
  '*.password',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'apiKey',
  '*.apiKey',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'headers.cookie',
  '*.headers.cookie',
  'headers["x-api-key"]',
  '*.headers["x-api-key"]',
  'headers["x-telegram-bot-api-secret-token"]',
  '*.headers["x-telegram-bot-api-secret-token"]',
  'accessToken',
  '*.accessToken',
  'refreshToken',
  '*.refreshToken',
  'databaseUrl',
  '*.databaseUrl',
];

/** Creates the process logger; components take `log.child({ component })`. */
export function createLogger(settings: LoggerSettings): Logger {
  const scrub = buildScrubber(settings.secrets ?? []);
  const fd = settings.fd ?? 1;
  const options: LoggerOptions = {
    level: settings.level,
    redact: { paths: redactPaths, censor: REDACTED },
    hooks: { streamWrite: scrub },
    base: { pid: process.pid },
    ...(settings.stacks === false ? { serializers: { err: errorWithoutStack } } : {}),
  };
  const stream = settings.pretty
    ? pretty({
        colorize: true,
        translateTime: 'SYS:HH:MM:ss.l',
        ignore: 'pid,hostname',
        singleLine: settings.stacks === false,
        sync: true,
        destination: settings.destination ?? fd,
      })
    : (settings.destination ?? pino.destination({ dest: fd, sync: true }));
  return pino(options, stream);
}

/** Replaces credentials in a serialised log line, including credentials embedded in URLs. */
export function buildScrubber(secrets: string[]): (line: string) => string {
  const values = [...new Set(secrets.filter((value) => value.length >= 6))].sort((a, b) => b.length - a.length);
  const escaped = values.flatMap((value) => [value, JSON.stringify(value).slice(1, -1)]);
  return (line) => {
    let out = line.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s"]+:)[^@\s"]+@/gi, `$1${REDACTED}@`);
    out = out.replace(/(bot)(\d{5,}:[A-Za-z0-9_-]{20,})/g, `$1${REDACTED}`);
    for (const value of escaped) if (out.includes(value)) out = out.split(value).join(REDACTED);
    return out;
  };
}

/** An error as one short line of data: what it is and what it says, with its causes' messages. */
function errorWithoutStack(error: unknown): object {
  if (!(error instanceof Error)) return { message: String(error) };
  const code = (error as { code?: unknown }).code;
  const cause = error.cause instanceof Error ? { cause: error.cause.message } : {};
  return { type: error.name, message: error.message, ...(code === undefined ? {} : { code }), ...cause };
}
