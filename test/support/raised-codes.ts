/**
 * Test support for src/ui/errors' completeness test: finds, in the source text, every `layer/CODE` an
 * `AppError` can carry to the browser. It reads source files, so it runs under Node (vitest) only.
 *
 * Codes are found from:
 * - literal raises, `new AppError('layer', 'CODE'` (also `cond ? 'A' : 'B'` as the code);
 * - raises whose layer or code is a variable, each listed in `DYNAMIC_SITES` with where its codes come
 *   from (a union type, an `as const` table, a helper's calls); an unlisted one is reported, so a new
 *   helper cannot slip past;
 * - the relay and the bridge: what they send the browser in their JSON error shapes, which the browser
 *   raises as `relay-api` and `transport` codes.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Reads a repository file by its path from the root. */
export type Reader = (file: string) => string;

/** What scanning found. */
export interface ScanResult {
  /** `layer/CODE` → where it was first seen. */
  readonly codes: ReadonlyMap<string, string>;
  /** Raises (and helper calls) with a variable layer or code that nothing here accounts for. */
  readonly unlisted: readonly string[];
  /** `DYNAMIC_SITES` entries whose file no longer has that raise. */
  readonly stale: readonly string[];
}

const diskReader: Reader = (file) => readFileSync(join(ROOT, file), 'utf8');
const literals = (text: string): string[] => [...text.matchAll(/'([A-Z][A-Z0-9_]*)'/g)].map((m) => m[1]!);
const layered = (layer: string, codes: readonly string[]) => codes.map((c) => `${layer}/${c}`);

/** The text between `{` and `}` after `const <name>` (or `type <name> =` up to `;`) in `text`. */
function block(text: string, re: RegExp, what: string): string {
  const m = re.exec(text);
  if (!m) throw new Error(`${what} not found`);
  return m[1]!;
}

const unionOf = (read: Reader, file: string, name: string) =>
  literals(block(read(file), new RegExp(`type ${name}\\s*=([^;]*);`), `type ${name} in ${file}`));
const tableOf = (read: Reader, file: string, name: string) =>
  block(read(file), new RegExp(`const ${name}[^=]*=\\s*{([^}]*)}`), `const ${name} in ${file}`);
const keysOf = (read: Reader, file: string, name: string) =>
  [...tableOf(read, file, name).matchAll(/^\s*([A-Z][A-Z0-9_]*):/gm)].map((k) => k[1]!);

/**
 * Helpers that take the code as their first argument (after an HTTP status for the relay's `bad`): the
 * layer the browser sees, and the files (a path prefix) where the name means that helper. Their literal
 * calls are codes; any other call is reported as unlisted.
 */
const HELPERS: Readonly<Record<string, { readonly layer: string; readonly in: string }>> = {
  lifecycleError: { layer: 'workflows', in: 'src/' },
  cardStepError: { layer: 'cards', in: 'src/' },
  refuse: { layer: 'relay-api', in: 'relay/token' },
  bad: { layer: 'relay-api', in: 'relay/mail/compose.ts' },
  fail: { layer: 'relay-api', in: 'relay/mail/smtp-failure.ts' },
  refused: { layer: 'relay-api', in: 'relay/mail/published.ts' },
  tapRefusal: { layer: 'workflows', in: 'src/workflows/operator-tap.ts' },
  skipUser: { layer: 'workflows', in: 'src/workflows/batch-tap/eligibility.ts' },
};

/** The `entra` codes OAuth error names become (src/entra/sign-in-errors.ts), and the fallback. */
const oauthCodes = (read: Reader): string[] => [
  ...literals(tableOf(read, 'src/entra/sign-in-errors.ts', 'OAUTH_ERROR_CODES')),
  'SIGN_IN_FAILED',
];

/** Where a variable layer or code comes from, as `layer/CODE` keys. */
type Source = (read: Reader, files: readonly string[]) => string[];

/** Raises whose layer or code is not a literal, keyed `file: <layer>, <code>` as written. */
const DYNAMIC_SITES: Readonly<Record<string, Source>> = {
  // toAppError(e, layer): 'state' by default, or the layer its caller names.
  "src/app-error.ts: layer, 'UNEXPECTED'": (read, files) => [
    'state/UNEXPECTED',
    ...files.flatMap((f) =>
      [...read(f).matchAll(/toAppError\([^()]*,\s*'([a-z-]+)'\)/g)].map((m) => `${m[1]}/UNEXPECTED`),
    ),
  ],
  // layerErrors<Codes>('layer') (pivError, cardStepError, lifecycleError): the codes of each factory's union.
  'src/app-error.ts: layer, code': (read, files) =>
    files.flatMap((f) =>
      [...read(f).matchAll(/= layerErrors<(\w+)>\('([a-z-]+)'\)/g)].flatMap((m) =>
        layered(m[2]!, unionOf(read, f, m[1]!)),
      ),
    ),
  "src/ccid/slot.ts: 'ccid', code": (read) =>
    layered('ccid', literals(block(read('src/ccid/slot.ts'), /const code = ([^;]*);/, 'const code in slot.ts'))),
  "src/ccid/reader-errors.ts: 'ccid', name": (read) =>
    layered('ccid', keysOf(read, 'src/ccid/reader-errors.ts', 'SLOT_ERROR')),
  "src/apdu/status.ts: 'apdu', code": (read) => layered('apdu', unionOf(read, 'src/apdu/status.ts', 'StatusCode')),
  "src/transport/usb-errors.ts: 'transport', code": (read) =>
    layered('transport', unionOf(read, 'src/transport/usb-errors.ts', 'UsbErrorCode')),
  "src/transport/pcsc-bridge.ts: 'transport', m.error.code": (read) =>
    layered('transport', unionOf(read, 'src/transport/pcsc-bridge-protocol.ts', 'BridgeErrorCode')),
  "src/entra/graph-errors.ts: 'entra', code": (read) =>
    layered('entra', unionOf(read, 'src/entra/graph-errors.ts', 'GraphErrorCode')),
  "src/entra/graph-errors.ts: 'entra', codeForStatus(status)": (read) =>
    layered('entra', unionOf(read, 'src/entra/graph-errors.ts', 'GraphErrorCode')),
  "src/entra/msal-adapter.ts: 'entra', code": (read) =>
    layered('entra', [...literals(tableOf(read, 'src/entra/msal-adapter.ts', 'MSAL_CODES')), ...oauthCodes(read)]),
  // The loopback sign-in inside the installed app: OAuth error names, and a redirect URI on the wrong platform.
  "src/entra/loopback-sign-in.ts: 'entra', oauthErrorCode(error)": (read) => layered('entra', oauthCodes(read)),
  "src/entra/loopback-sign-in.ts: 'entra', code": (read) =>
    layered('entra', [...oauthCodes(read), 'LOOPBACK_REDIRECT_PLATFORM']),
  // The relay's code for a follow-up problem it reported in a self-service answer: counted at the relay's raise.
  "src/state/holder-action.svelte.ts: 'relay-api', problem.code": () => [],
  // Re-raises the entra code an activation recorded: no new codes.
  "src/ui/lifecycle/ActivateDetails.svelte: 'entra', tap.code": () => [],
  // The relay's `{ error: { code } }`; `HTTP_<status>` when something else answered (a layer fallback).
  "src/relay-api/request.ts: 'relay-api', e.code ?? `HTTP_${res.status}`": (read, files) => relayCodes(read, files),
  // The bodies of HELPERS and a pass-through; their calls and sources are counted elsewhere.
  "relay/token-claims.ts: 'relay', code": () => [],
  "relay/mail/compose.ts: 'relay', code": () => [],
  "relay/mail/smtp-failure.ts: 'relay', code": () => [],
  "relay/mail/published.ts: 'relay', code": () => [],
  "src/workflows/operator-tap.ts: 'workflows', code": () => [],
  // The shared template rules' refusal of an operator's pass (src/relay-api/tap-rules.ts).
  "src/workflows/operator-tap.ts: 'workflows', rules.refusal": (read) =>
    layered('workflows', unionOf(read, 'src/relay-api/tap-rules.ts', 'OperatorTapRefusal')),
  "src/workflows/batch-tap/eligibility.ts: 'workflows', code": () => [],
  "relay/mail/compose.ts: 'mail', e.code": () => [],
  "bridge/pcsc-errors.ts: 'bridge', code": () => [],
  // Re-raises a registry conflict with the card in its API form: the same code, counted at its raise.
  'relay/cards/routes.ts: e.layer, e.code': () => [],
  // A schema issue that names the relay's answer (`params: { code }` in the contract): counted in relayCodes.
  "relay/validate.ts: 'relay', code": () => [],
};

/** What the relay can put in `{ error: { code } }`: its raises, http-errors' own codes, and the mail template's. */
function relayCodes(read: Reader, files: readonly string[]): string[] {
  const relay = files.filter((f) => f.startsWith('relay/'));
  const raised = relay.flatMap((f) => raisesIn(read, f).flatMap((r) => (isLiteral(r) ? r.codes : [])));
  const http = read('relay/http-errors.ts');
  const own = [
    ...literals(tableOf(read, 'relay/http-errors.ts', 'HTTP_CODES')),
    ...literals(http.match(/code: '[A-Z_]+'/g)!.join()),
  ];
  const mail = raisesIn(read, 'src/mail/template.ts').flatMap((r) => r.codes);
  // Codes the contracts' schemas name for the relay to answer with (relay/validate.ts codedRefusal).
  const coded = files
    .filter((f) => f.startsWith('src/relay-api/') && f.endsWith('contract.ts'))
    .flatMap((f) => [...read(f).matchAll(/params: \{ code: '([A-Z][A-Z0-9_]*)'/g)].map((m) => m[1]!));
  return layered('relay-api', [...raised, ...own, ...mail, ...coded]);
}

interface Raise {
  readonly layer: string;
  readonly code: string;
  readonly codes: readonly string[];
  readonly line: number;
}

const isLiteral = (r: Raise) => /^'[a-z-]+'$/.test(r.layer) && r.codes.length > 0;
const lineAt = (text: string, index: number) => text.slice(0, index).split('\n').length;

/** The first two arguments of every `new AppError(` in `file`. */
function raisesIn(read: Reader, file: string): Raise[] {
  const text = read(file);
  return [...text.matchAll(/new AppError\(/g)].map((m) => {
    const [layer = '', code = ''] = firstArgs(text, m.index + m[0].length, 2);
    return { layer, code, codes: literals(code), line: lineAt(text, m.index) };
  });
}

/** Splits the text from `start` into its first `n` top-level call arguments. */
function firstArgs(text: string, start: number, n: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let quote = '';
  let from = start;
  for (let i = start; i < text.length && args.length < n; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = '';
    } else if ('\'"`'.includes(ch)) quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch) && depth > 0) depth--;
    else if ((ch === ',' || ch === ')') && depth === 0) {
      args.push(text.slice(from, i).trim().replace(/\s+/g, ' '));
      from = i + 1;
      if (ch === ')') break;
    }
  }
  return args;
}

/** Every product source file of src/, relay/ and bridge/, tests and fakes left out. */
export function sourceFiles(): string[] {
  return ['src', 'relay', 'bridge'].flatMap((dir) =>
    (readdirSync(join(ROOT, dir), { recursive: true }) as string[])
      .map((f) => `${dir}/${f.split('\\').join('/')}`)
      .filter((f) => /\.(ts|svelte)$/.test(f) && !/\.test\.ts$|\/fake-[^/]*$/.test(f)),
  );
}

/** Scans `files` for every raised `layer/CODE`, relay-side layers translated to what the browser raises. */
export function scanRaisedCodes(files: readonly string[] = sourceFiles(), read: Reader = diskReader): ScanResult {
  const codes = new Map<string, string>();
  const add = (key: string, where: string) => void (codes.has(key) || codes.set(key, where));
  const unlisted: string[] = [];
  const used = new Set<string>();
  for (const file of files) {
    const text = read(file);
    for (const r of raisesIn(read, file)) {
      const site = `${file}: ${r.layer}, ${r.code}`;
      const where = `${file}:${r.line}`;
      if (DYNAMIC_SITES[site]) {
        used.add(site);
        for (const key of DYNAMIC_SITES[site](read, files)) add(key, site);
      } else if (!isLiteral(r)) unlisted.push(where);
      // The relay's own raises reach the browser through relayCodes; the bridge's as transport codes.
      else if (file.startsWith('bridge/')) for (const c of r.codes) add(`transport/${c}`, where);
      else if (!file.startsWith('relay/')) for (const c of r.codes) add(`${r.layer.slice(1, -1)}/${c}`, where);
    }
    for (const [helper, { layer, in: prefix }] of Object.entries(HELPERS)) {
      if (!file.startsWith(prefix)) continue;
      for (const m of text.matchAll(new RegExp(`(?<![\\w.])(?<!function )${helper}\\(\\s*(?:\\d+,\\s*)?(\\S*)`, 'g'))) {
        const code = /^'([A-Z][A-Z0-9_]*)'/.exec(m[1]!)?.[1];
        if (code) add(`${layer}/${code}`, `${file}:${lineAt(text, m.index)}`);
        else unlisted.push(`${file}:${lineAt(text, m.index)} (${helper})`);
      }
    }
  }
  const stale = Object.keys(DYNAMIC_SITES).filter((s) => !used.has(s) && files.some((f) => s.startsWith(`${f}:`)));
  return { codes, unlisted, stale };
}
