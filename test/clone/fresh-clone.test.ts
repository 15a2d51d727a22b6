/**
 * A fresh clone is self-contained: the committed HEAD, cloned into an empty directory (so nothing such
 * as a shared corpus folder sits beside it), runs the tests that read data kept in the repository, and no
 * tracked file names a path outside the clone. Only node_modules is borrowed from this checkout, linked.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

/** `/a/b/c/` → `/a/b/`, `/a/`: an absolute path into any folder around the checkout is a path outside it. */
function enclosingFolders(dir: string): string[] {
  const folders: string[] = [];
  for (let d = dirname(resolve(dir)); d !== dirname(d); d = dirname(d)) folders.push(`${d}${sep}`);
  return folders;
}

/**
 * References in `files` (relative to `root`) to paths outside `root`: relative paths that climb out of it
 * (resolved from the file's folder, as imports, `new URL(…, import.meta.url)` and Markdown links are),
 * absolute paths into `outside` folders, and symbolic links pointing out.
 */
function outsideReferences(root: string, files: readonly string[], outside: readonly string[]): string[] {
  const found: string[] = [];
  const escapes = (from: string, path: string) => relative(root, resolve(root, from, path)).startsWith('..');
  for (const file of files) {
    const path = join(root, file);
    if (lstatSync(path).isSymbolicLink()) {
      if (escapes(dirname(file), readlinkSync(path))) found.push(`${file} links to ${readlinkSync(path)}`);
      continue;
    }
    const text = readFileSync(path, 'latin1');
    if (text.includes('\0')) continue;
    for (const [ref] of text.matchAll(/(?:\.\.\/)+[\w.-]+/g))
      if (escapes(dirname(file), ref)) found.push(`${file}: ${ref}`);
    for (const folder of outside) if (text.includes(folder)) found.push(`${file}: ${folder}`);
  }
  return found;
}

describe('a fresh clone of the committed HEAD', () => {
  let clone: string;
  beforeAll(() => {
    clone = join(mkdtempSync(join(tmpdir(), 'keyward-clone-')), 'keyward');
    execFileSync('git', ['clone', '--quiet', '--no-checkout', ROOT, clone]);
    git(clone, 'checkout', '--quiet', '--detach', git(ROOT, 'rev-parse', 'HEAD'));
    symlinkSync(realpathSync(join(ROOT, 'node_modules')), join(clone, 'node_modules'));
  });
  afterAll(() => rmSync(dirname(clone), { recursive: true, force: true }));

  it('names no path outside itself', () => {
    const files = git(clone, 'ls-files').split('\n');
    expect(outsideReferences(clone, files, [...enclosingFolders(ROOT), ...enclosingFolders(clone)])).toEqual([]);
  });

  it('passes the tests that read repository data (the CCID reader corpus)', () => {
    const corpusTests = git(clone, 'grep', '-l', '-e', 'fake-corpus', '-e', 'test/fixtures/', '--', '*.test.ts')
      .split('\n')
      .filter((f) => f !== 'test/clone/fresh-clone.test.ts');
    expect(corpusTests).toContain('src/ccid/descriptor.test.ts');
    // A clean environment: no corpus override, nothing of the Vitest run this test is part of, no colours.
    const env = {
      ...Object.fromEntries(
        Object.entries(process.env).filter(
          ([k]) => !/^(VITEST|CCID_CORPUS$|KEYWARD_TEST_TLS$|NODE_EXTRA_CA_CERTS$|FORCE_COLOR$)/.test(k),
        ),
      ),
      NO_COLOR: '1',
    };
    const run = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', ...corpusTests], {
      cwd: clone,
      env,
      encoding: 'utf8',
      timeout: 100_000,
    });
    const output = `${run.stdout}${run.stderr}`;
    expect(run.status, output).toBe(0);
    expect(output).toMatch(new RegExp(`Test Files\\s+${corpusTests.length} passed`));
  }, 120_000);

  it('would notice a reference out of the repository', () => {
    const dir = join(dirname(clone), 'planted');
    mkdirSync(join(dir, 'src'), { recursive: true });
    writeFileSync(join(dir, 'src', 'a.ts'), `new URL('../../shared/corpora/x.json', import.meta.url); '${ROOT}/x'`);
    symlinkSync('../../elsewhere', join(dir, 'src', 'link'));
    expect(outsideReferences(dir, ['src/a.ts', 'src/link'], enclosingFolders(ROOT))).toEqual([
      'src/a.ts: ../../shared',
      ...enclosingFolders(ROOT).map((folder) => `src/a.ts: ${folder}`),
      'src/link links to ../../elsewhere',
    ]);
  });
});
