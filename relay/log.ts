/**
 * The relay's structured logger: one JSON object per line on stdout.
 *
 * Deliberately tiny. Callers pass only facts that are safe to keep (method, path, status, ids); bodies,
 * tokens, query strings, SMTP credentials and TAP codes must never be handed to it.
 */

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

/**
 * The fields as JSON members, each followed by a comma; `undefined` ones are left out, as JSON.stringify
 * would. A stray `time`/`level`/`msg` field is dropped so it cannot overwrite the record's own. Written
 * out by hand because spreading the fields into a new object for JSON.stringify cost twice as much, and
 * the relay logs two lines per request.
 */
function fieldsJson(fields: LogFields): string {
  let out = '';
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    if (value === undefined || OWN_KEYS.has(key)) continue;
    out += `${JSON.stringify(key)}:${JSON.stringify(value)},`;
  }
  return out;
}

/** Creates a logger that writes `{ time, level, msg, ...fields }` JSON lines to the sink. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const sink = options.sink ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const now = options.now ?? (() => new Date());
  const write = (level: LogLevel, msg: string, fields: LogFields = {}): void => {
    sink(`{${fieldsJson(fields)}"time":"${now().toISOString()}","level":"${level}","msg":${JSON.stringify(msg)}}`);
  };
  return {
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
  };
}

/** A sink that keeps parsed records in memory, for tests and for the in-process demo. */
export function createMemorySink(): { sink: LogSink; records: Record<string, unknown>[] } {
  const records: Record<string, unknown>[] = [];
  return { sink: (line) => void records.push(JSON.parse(line) as Record<string, unknown>), records };
}
