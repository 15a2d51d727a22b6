/**
 * Per-field checks for configuration data that arrives untyped (an imported backup) or from an editor.
 * Each problem names the field by its path (`tap.lifetimeOverrideMinutes`, `issue.certificate.slot`) and
 * says what it must be, so an import can report `cardTemplates[2].tap.lifetimeOverrideMinutes must be
 * 10..43200` and an editor can put "Must be 10..43200." under the field.
 */

/** One problem: the field's path and a phrase that completes "<path> …". */
export interface FieldProblem {
  readonly path: string;
  readonly message: string;
}

/** Collects problems under a path prefix; each check returns the value when it has the right type. */
export class FieldChecks {
  readonly problems: FieldProblem[] = [];

  /** Records that `path` is wrong. */
  add(path: string, message: string): void {
    this.problems.push({ path, message });
  }

  /** A plain object, optionally limited to `keys` (anything else is reported as unknown). */
  object(v: unknown, path: string, keys?: readonly string[]): Record<string, unknown> | null {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      this.add(path, 'must be an object');
      return null;
    }
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) if (keys && !keys.includes(k)) this.add(join(path, k), 'is not a known field');
    return o;
  }

  /** A string of at most `max` characters (and at least one non-blank one when `required`). */
  string(v: unknown, path: string, max: number, required = false): string | null {
    if (typeof v !== 'string') return this.#wrong(path, 'must be a string');
    if (required && !v.trim()) return this.#wrong(path, 'is required');
    if (v.length > max) return this.#wrong(path, `must be at most ${max} characters`);
    return v;
  }

  /** A boolean. */
  boolean(v: unknown, path: string): boolean | null {
    return typeof v === 'boolean' ? v : this.#wrong(path, 'must be true or false');
  }

  /** A whole number in `min..max`. */
  integer(v: unknown, path: string, min: number, max: number): number | null {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
      return this.#wrong(path, `must be ${min}..${max}`);
    return v;
  }

  /** One of `choices`. */
  oneOf<T extends string>(v: unknown, path: string, choices: readonly T[]): T | null {
    if (typeof v === 'string' && (choices as readonly string[]).includes(v)) return v as T;
    return this.#wrong(path, `must be one of ${choices.map((c) => `"${c}"`).join(', ')}`);
  }

  /** An array. */
  array(v: unknown, path: string): unknown[] | null {
    return Array.isArray(v) ? v : this.#wrong(path, 'must be a list');
  }

  /** An ISO 8601 UTC timestamp as `Date.prototype.toISOString` writes it. */
  timestamp(v: unknown, path: string): string | null {
    if (
      typeof v === 'string' &&
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(v) &&
      !Number.isNaN(Date.parse(v))
    )
      return v;
    return this.#wrong(path, 'must be a timestamp like 2026-01-31T09:00:00.000Z');
  }

  #wrong(path: string, message: string): null {
    this.add(path, message);
    return null;
  }
}

/** `a.b`, or `b` at the root. */
export function join(prefix: string, key: string | number): string {
  if (typeof key === 'number') return `${prefix}[${key}]`;
  return prefix ? `${prefix}.${key}` : key;
}

/** Problems grouped by path, each as a sentence for under the field ("Must be 10..43200."). */
export function problemsByPath(problems: readonly FieldProblem[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const p of problems) (out[p.path] ??= []).push(`${p.message.charAt(0).toUpperCase()}${p.message.slice(1)}.`);
  return out;
}

/** Problems as lines naming their fields: `cardTemplates[2].name is required`. */
export function describeProblems(problems: readonly FieldProblem[], prefix = ''): string[] {
  return problems.map((p) => {
    const where = prefix && p.path ? `${prefix}.${p.path}` : prefix || p.path;
    return where ? `${where} ${p.message}` : `The file ${p.message}`;
  });
}
