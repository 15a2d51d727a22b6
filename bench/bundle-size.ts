/**
 * The first screen's JavaScript: the entry script of dist/index.html and every chunk it statically
 * imports (what the browser must fetch before the shell renders), gzip'd. Lazily loaded chunks (MSAL)
 * are listed separately. Target (issue 2): at most 200 KB gzip.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

const DIST = 'dist';

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

/** Prints the figures and returns the initial gzip size in bytes. */
export function benchBundleSize(): number {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  const entries = [...html.matchAll(/<script type="module"[^>]*src="\/([^"]+)"/g)].map((m) => m[1]!);
  const initial = closure(entries);
  const css = [...html.matchAll(/<link rel="stylesheet"[^>]*href="\/([^"]+)"/g)].map((m) => m[1]!);
  const initialJs = [...initial].reduce((n, f) => n + gz(f), 0);
  const lazy = readdirSync(join(DIST, 'assets')).filter((f) => f.endsWith('.js') && !initial.has(`assets/${f}`));
  console.log('First screen (gzip):');
  for (const f of initial) console.log(`  ${f.padEnd(48)} ${kb(gz(f))}`);
  console.log(`  JavaScript total: ${kb(initialJs)} (target ≤ 200 KB)`);
  console.log(`  CSS: ${kb(css.reduce((n, f) => n + gz(f), 0))}`);
  console.log('Loaded later (gzip):');
  for (const f of lazy) console.log(`  assets/${f.padEnd(41)} ${kb(gz(`assets/${f}`))}`);
  return initialJs;
}
