/**
 * The first screen's JavaScript of each app: the entry script of its page and every chunk that script
 * statically imports (what the browser must fetch before the page renders), gzip'd. Lazily loaded chunks
 * (MSAL, the reader and card stack) are listed separately. Targets: the operator console (dist/index.html,
 * issue 2) at most 200 KB gzip; the self-service page (dist/self-service/index.html, issue 13) at most
 * 120 KB gzip.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

const DIST = 'dist';

/** One app's page and its first-screen budget. */
export interface BundleTarget {
  readonly name: string;
  readonly page: string;
  readonly maxBytes: number;
}

export const BUNDLE_TARGETS: readonly BundleTarget[] = [
  { name: 'Operator console', page: 'index.html', maxBytes: 200 * 1024 },
  { name: 'Self-service page', page: 'self-service/index.html', maxBytes: 120 * 1024 },
];

function staticImports(file: string): string[] {
  const src = readFileSync(join(DIST, file), 'utf8');
  // Vite emits static imports of sibling chunks as `from"./x"` / `import"./x"`.
  return [...src.matchAll(/(?:from|import)\s*["']\.\/([\w.-]+\.js)["']/g)].map((m) => `assets/${m[1]}`);
}

function closure(entries: string[]): Set<string> {
  const seen = new Set<string>();
  const todo = [...entries];
  while (todo.length) {
    const f = todo.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    todo.push(...staticImports(f));
  }
  return seen;
}

const gz = (f: string) => gzipSync(readFileSync(join(DIST, f))).length;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

/** Prints one app's figures and returns its first screen's JavaScript, gzip'd, in bytes. */
export function benchBundleSize(target: BundleTarget = BUNDLE_TARGETS[0]!): number {
  const html = readFileSync(join(DIST, target.page), 'utf8');
  const entries = [...html.matchAll(/<script type="module"[^>]*src="\/([^"]+)"/g)].map((m) => m[1]!);
  const initial = closure(entries);
  const css = [...html.matchAll(/<link rel="stylesheet"[^>]*href="\/([^"]+)"/g)].map((m) => m[1]!);
  const initialJs = [...initial].reduce((n, f) => n + gz(f), 0);
  const lazy = readdirSync(join(DIST, 'assets')).filter((f) => f.endsWith('.js') && !initial.has(`assets/${f}`));
  console.log(`${target.name} (${target.page}), first screen (gzip):`);
  for (const f of initial) console.log(`  ${f.padEnd(48)} ${kb(gz(f))}`);
  console.log(`  JavaScript total: ${kb(initialJs)} (target ≤ ${kb(target.maxBytes)})`);
  console.log(`  CSS: ${kb(css.reduce((n, f) => n + gz(f), 0))}`);
  console.log('Loaded later or by the other app (gzip):');
  for (const f of lazy) console.log(`  assets/${f.padEnd(41)} ${kb(gz(`assets/${f}`))}`);
  return initialJs;
}
