/**
 * The relay's structured logger: one JSON object per line on stdout, written by pino (the one adapter
 * for it).
 *
 * Deliberately tiny. Callers pass only facts that are safe to keep (method, path, status, ids); bodies,
 * tokens, query strings, SMTP credentials and TAP codes must never be handed to it.
 */

import { pino } from 'pino';

/** Where finished log lines go; tests inject an array-backed sink. */
export type LogSink = (line: string) => void;

/** Severity of a log record. */
export type LogLevel = 'info' | 'warn' | 'error';

/** Structured, secret-free facts attached to a record. */
export type LogFields = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** The logger handed to the relay's parts. */
export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  /** Defaults to writing the line plus `\n` to `process.stdout`. */
  sink?: LogSink;
  /** Clock for the `time` field; injectable so tests are deterministic. */
  now?: () => Date;
}

const OWN_KEYS: ReadonlySet<string> = new Set(['time', 'level', 'msg']);

/** The fields without `undefined` ones, and without a stray `time`/`level`/`msg` that would overwrite the record's own. */
function safeFields(fields: LogFields): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {};
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    if (value !== undefined && !OWN_KEYS.has(key)) out[key] = value;
  }
  return out;
}

/** Creates a logger that writes `{ time, level, msg, ...fields }` JSON lines to the sink, through pino. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const sink = options.sink ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const now = options.now ?? (() => new Date());
  const log = pino(
    {
      base: null,
      messageKey: 'msg',
      timestamp: () => `,"time":"${now().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
    },
    // pino ends each record with a newline; the sink takes the line without it.
    { write: (line: string) => sink(line.endsWith('\n') ? line.slice(0, -1) : line) },
  );
  return {
    info: (msg, fields = {}) => log.info(safeFields(fields), msg),
    warn: (msg, fields = {}) => log.warn(safeFields(fields), msg),
    error: (msg, fields = {}) => log.error(safeFields(fields), msg),
  };
}

/** A sink that keeps parsed records in memory, for tests and for the in-process demo. */
export function createMemorySink(): { sink: LogSink; records: Record<string, unknown>[] } {
  const records: Record<string, unknown>[] = [];
  return { sink: (line) => void records.push(JSON.parse(line) as Record<string, unknown>), records };
}
