import { writeSync } from 'node:fs';
import pino from 'pino';
import { formatLogLine } from './log-line.js';

/** `--log-format`: `auto` is `text` on a terminal and `json` otherwise. */
export const LOG_FORMATS = ['auto', 'text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
/** `--log-level`: pino's levels. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** how long a JSON line may wait in the buffer */
const JSON_FLUSH_MS = 1000;
/**
 * Buffered (4 KiB, flushed every second and on close): one line per request cost 11-12 % of
 * TokenReview throughput written at once or synchronously, 7 % buffered
 * (npm run bench -- --only logging, bench/README.md "logging").
 */
const JSON_MIN_LENGTH = 4096;

export interface CliLoggerOptions {
  level: string;
  format?: string;
  /** fields on every line (`{ node }` for the kubelet agent) */
  base?: Record<string, unknown>;
  /** pino redaction paths; matched values print as `[redacted]` */
  redact?: string[];
  /** where lines go (default standard error); decides `auto` by its `isTTY` */
  stream?: { fd: number; isTTY?: boolean };
  /**
   * JSON lines held in a 4 KiB buffer, flushed every second and on close: for a server's request
   * lines; a quiet agent wants each line at once (default false)
   */
  buffered?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface CliLogger {
  logger: pino.Logger;
  /** what `auto` resolved to */
  format: 'text' | 'json';
  /** writes what is buffered and stops the flush timer; safe to call twice, and once stderr is gone */
  close(): void;
}

/**
 * Whether to colour a terminal's lines: `FORCE_COLOR` (not `0`) forces it, `NO_COLOR` or
 * `TERM=dumb` turns it off, else only a terminal gets colour (https://no-color.org).
 * @example
 * useColour({ isTTY: true }, {}); // true
 */
export function useColour(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return env.FORCE_COLOR !== '0';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return !!stream.isTTY && env.TERM !== 'dumb';
}

/**
 * The logger of a long-running command (`serve`, `kubelet`), to standard error:
 * - `json` (and `auto` when stderr is not a terminal: a pipe, a file, a log collector): one pino
 *   JSON line per event, asynchronous, and with `buffered` held until 4 KiB or a second has passed;
 * - `text` (and `auto` on a terminal): pino-pretty, one readable line per event with the local
 *   time, a coloured level and the fields as `key=value`, written at once and synchronously.
 * pino-pretty is imported only for `text`, so the JSON path costs nothing more at start.
 * @example
 * const logs = await createCliLogger({ level: 'info', format: 'auto' });
 * logs.logger.info({ port: 6443 }, 'listening');
 * logs.close();
 */
export async function createCliLogger(o: CliLoggerOptions): Promise<CliLogger> {
  const stream = o.stream ?? process.stderr;
  const env = o.env ?? process.env;
  const format = o.format === 'text' || o.format === 'json' ? o.format : stream.isTTY ? 'text' : 'json';
  const options: pino.LoggerOptions = {
    level: o.level,
    ...(o.base ? { base: o.base } : {}),
    ...(o.redact?.length ? { redact: { paths: o.redact, censor: '[redacted]' } } : {}),
  };
  if (format === 'json') {
    const destination = pino.destination({ dest: stream.fd, sync: false, ...(o.buffered ? { minLength: JSON_MIN_LENGTH } : {}) });
    const timer = o.buffered ? setInterval(() => destination.flush(), JSON_FLUSH_MS) : undefined;
    timer?.unref();
    return {
      logger: pino(options, destination),
      format,
      close() {
        clearInterval(timer);
        try {
          destination.flushSync();
        } catch {
          // stderr already gone: nothing left to write to
        }
      },
    };
  }
  const { prettyFactory } = await import('pino-pretty');
  const colour = useColour(stream, env);
  const prettify = prettyFactory({
    colorize: colour,
    translateTime: 'SYS:HH:MM:ss.l',
    hideObject: true,
    ignore: 'pid,hostname',
    messageFormat: (log, messageKey) => formatLogLine(log, messageKey),
  });
  // written at once and synchronously: a person reads along, and a line is never lost at exit
  const destination = {
    write(line: string) {
      try {
        writeSync(stream.fd, prettify(line));
      } catch {
        // stderr gone (the terminal closed): the line has nowhere to go
      }
    },
  };
  return { logger: pino(options, destination), format, close: () => undefined };
}
