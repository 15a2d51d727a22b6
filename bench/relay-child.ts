/**
 * The relay as the relay-mail bench (relay-mail.ts) runs it: relay/server.ts bundled by esbuild (a
 * dependency of tsx) and run by plain `node` in a child process, as a deployment would, so its memory is
 * the relay's and not the TypeScript loader's (~40 MB); without esbuild it falls back to `--import tsx`.
 * Its V8 heap is capped as the README recommends (RELAY_HEAP_MB). Also what Linux's /proc says of a
 * process: its memory and its CPU time.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * V8 old-space cap for the relay child, as relay/mail/README.md recommends for deployments: the live heap
 * stays near 25 MB under this load, but without a cap V8 lets garbage grow the heap past 80 MB first.
 */
export const RELAY_HEAP_MB = 96;

const ROOT = new URL('..', import.meta.url).pathname;

/** PGlite's files that it reads at run time from the directory of the module that loads it. */
const PGLITE_FILES = ['pglite.wasm', 'pglite.data', 'initdb.wasm'];

/** Bundles relay/server.ts into `dir` with esbuild; returns node's arguments for the child. */
export function relayEntry(dir: string): { args: string[]; mode: string } {
  const outfile = join(dir, 'relay.mjs');
  // The bundle is ESM with CommonJS dependencies inside; this banner gives them a `require`.
  const banner = "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);";
  const built = spawnSync(
    join(ROOT, 'node_modules/.bin/esbuild'),
    [
      'relay/server.ts',
      '--bundle',
      '--platform=node',
      '--format=esm',
      '--target=node20',
      `--outfile=${outfile}`,
      `--banner:js=${banner}`,
      '--log-level=error',
    ],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  // PGlite loads its WebAssembly and data files from beside its module, which in the bundle is relay.mjs.
  const pglite = join(ROOT, 'node_modules/@electric-sql/pglite/dist');
  if (built.status === 0) for (const f of PGLITE_FILES) copyFileSync(join(pglite, f), join(dir, f));
  const heap = `--max-old-space-size=${RELAY_HEAP_MB}`;
  // RELAY_CPU_PROF=<dir> profiles the child (node --cpu-prof); the profile is written when it exits.
  const profDir = process.env.RELAY_CPU_PROF;
  if (profDir) mkdirSync(profDir, { recursive: true });
  const prof = profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [];
  // The bundle goes beside the profile: its `// node_modules/<pkg>/…` markers attribute lines to packages.
  if (profDir && built.status === 0) copyFileSync(outfile, join(profDir, 'relay.mjs'));
  return built.status === 0
    ? { args: [heap, ...prof, outfile], mode: `esbuild bundle, node ${heap}` }
    : { args: [heap, ...prof, '--import', 'tsx', 'relay/server.ts'], mode: `tsx, ${heap}` };
}

/** Starts the relay child and resolves with its URL once it logs "relay listening". */
export function startRelayChild(
  args: string[],
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Uint8Array) => {
      buffered += String(chunk);
      const line = buffered.split('\n').find((l) => l.includes('"relay listening"'));
      if (!line) return;
      // From here on the log lines are read and dropped, so the pipe never fills.
      child.stdout!.off('data', onData);
      child.stdout!.resume();
      resolve({ child, url: (JSON.parse(line) as { url: string }).url });
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`relay exited early (code ${code})`)));
  });
}

/** VmRSS and VmHWM of `pid` in MB (Linux /proc). */
export function memoryOf(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

/** CPU time (user + system) of `pid` in ms, from /proc/<pid>/stat (clock ticks, 100 per second on Linux). */
export function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
