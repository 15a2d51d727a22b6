/**
 * `npm run bridge:build`: packages the bridge for an operator's laptop, without the rest of the
 * repository, into bridge/dist/:
 * - keyward-bridge.mjs: the bridge and its JS dependencies (ws) in one ES module file;
 * - package.json: declares only the native `smartcard` addon, which cannot be bundled (it is compiled
 *   for the operator's OS by `npm install`).
 * The operator copies that folder, runs `npm install` once, then `npm start -- --origin <app origin>`.
 * `--out <dir>` writes the package elsewhere (the packaging test builds into a scratch directory).
 */
import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const { values } = parseArgs({ options: { out: { type: 'string' } } });
const outDir = values.out ? resolve(values.out) : here('./dist');
const root = JSON.parse(readFileSync(here('../package.json'), 'utf8')) as {
  version: string;
  optionalDependencies: Record<string, string>;
};

mkdirSync(outDir, { recursive: true });
await build({
  entryPoints: [here('./main.ts')],
  outfile: `${outDir}/keyward-bridge.mjs`,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['smartcard', 'bufferutil', 'utf-8-validate'], // ws's optional accelerators: absent is fine
  // Bundled CommonJS (ws) calls require(); give the ES module one. Generated code is not linted.
  banner: {
    js: "/* eslint-disable */ import { createRequire as __kwCreateRequire } from 'node:module'; const require = __kwCreateRequire(import.meta.url);",
  },
  legalComments: 'inline',
  logLevel: 'warning',
});
const pkg = {
  name: 'keyward-bridge',
  version: root.version,
  private: true,
  type: 'module',
  description: 'Keyward local PC/SC bridge',
  engines: { node: '>=20.19' },
  scripts: { start: 'node keyward-bridge.mjs' },
  dependencies: { smartcard: root.optionalDependencies.smartcard },
  allowScripts: { smartcard: true },
};
writeFileSync(`${outDir}/package.json`, `${JSON.stringify(pkg, null, 2)}\n`);
process.stdout.write(`Bridge packaged in ${outDir} (keyward-bridge.mjs + package.json).\n`);
