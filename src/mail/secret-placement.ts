/**
 * Where a data-export template may put a secret. `${AadTapCode}` and `${ActivationPin}` may appear only
 * in the bodies, as text: never in To, Cc or Subject (headers are logged and indexed by mail servers,
 * and shown in notification previews), and never inside an HTML tag or attribute (a code in an `href` or
 * `src` leaves the message in a request to whatever host the attribute names).
 *
 * One rule for the template editor, the relay's publish route and the relay's mail route (which checks
 * again what it renders), so the three cannot disagree.
 */
import type { EmailTemplateParts, TemplateVariable } from './template';

/** Variables whose values are secrets. */
export const SECRET_VARIABLES = ['AadTapCode', 'ActivationPin'] as const satisfies readonly TemplateVariable[];

const PLACEHOLDER = /\$\{([A-Za-z][A-Za-z0-9]*)\}/g;
const SECRET: ReadonlySet<string> = new Set(SECRET_VARIABLES);

/** A misplaced placeholder: the field, the 1-based character position, what is wrong. */
export interface PlacementProblem {
  readonly field: 'to' | 'cc' | 'subject' | 'html';
  readonly variable: string;
  readonly position: number;
  readonly problem: string;
}

/**
 * Offsets in `html` that are inside a tag (between `<` and its `>`), including attribute values.
 * Comments and declarations count as tags too: nothing between `<` and `>` is body text.
 */
function insideTag(html: string): (offset: number) => boolean {
  const spans: [number, number][] = [];
  let quote: string | null = null;
  let start = -1;
  for (let i = 0; i < html.length; i++) {
    const ch = html[i]!;
    if (start < 0) {
      if (ch === '<') start = i;
    } else if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === '>') {
      spans.push([start, i]);
      start = -1;
    }
  }
  // An unclosed tag runs to the end: a browser would read the rest as part of it.
  if (start >= 0) spans.push([start, html.length]);
  return (offset) => spans.some(([a, b]) => offset > a && offset < b);
}

/**
 * Every placeholder of `parts` that must not be where it is: a secret variable in To, Cc or Subject, and
 * any variable inside an HTML tag or attribute (values there would need an escaping the relay cannot
 * know: URL, CSS or script). Empty when the template is acceptable.
 */
export function placementProblems(parts: EmailTemplateParts): PlacementProblem[] {
  const problems: PlacementProblem[] = [];
  for (const field of ['to', 'cc', 'subject'] as const) {
    for (const m of (parts[field] ?? '').matchAll(PLACEHOLDER)) {
      if (SECRET.has(m[1]!))
        problems.push({
          field,
          variable: m[1]!,
          position: m.index + 1,
          problem: 'a secret is allowed only in the bodies',
        });
    }
  }
  const html = parts.html ?? '';
  const inTag = insideTag(html);
  for (const m of html.matchAll(PLACEHOLDER)) {
    if (inTag(m.index))
      problems.push({
        field: 'html',
        variable: m[1]!,
        position: m.index + 1,
        problem: 'a placeholder is not allowed inside an HTML tag or attribute',
      });
  }
  return problems;
}

/** One problem as a line naming the field and position, e.g. "subject: ${AadTapCode} at character 12: …". */
export function describePlacement(p: PlacementProblem): string {
  return `${p.field}: \${${p.variable}} at character ${p.position}: ${p.problem}`;
}

// `${Mail}`, or a display name (which may use variables) with `<${Mail}>`.
const OWN_MAILBOX = /^(?:\$\{Mail\}|[^<>]*<\$\{Mail\}>)$/;

/**
 * Recipients the relay will always refuse: it writes only to the target user's own address, so each To
 * and Cc entry must be `${Mail}` (optionally `Name <${Mail}>`). A fixed address or another variable
 * could never pass the relay's check (relay/mail/compose.ts `checkRecipient`).
 */
export function recipientProblems(
  parts: Pick<EmailTemplateParts, 'to' | 'cc'>,
): { field: 'to' | 'cc'; entry: string }[] {
  return (['to', 'cc'] as const).flatMap((field) =>
    (parts[field] ?? '')
      .split(/[,;]/)
      .map((entry) => entry.trim())
      .filter((entry) => entry && !OWN_MAILBOX.test(entry))
      .map((entry) => ({ field, entry })),
  );
}
