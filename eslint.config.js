// Lint rules: TypeScript and Svelte recommended sets, plus the project's layering rules from DESIGN.md.
import js from '@eslint/js';
import ts from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

/** One import convention: relative imports name the module without an extension (Bundler resolution). */
const NO_JS_SUFFIX = {
  selector:
    'ImportDeclaration[source.value=/^\\.{1,2}\\/.*\\.js$/], ExportNamedDeclaration[source.value=/^\\.{1,2}\\/.*\\.js$/], ExportAllDeclaration[source.value=/^\\.{1,2}\\/.*\\.js$/], ImportExpression[source.value=/^\\.{1,2}\\/.*\\.js$/]',
  message: 'Relative imports carry no .js suffix (one import convention).',
};

/**
 * The layers of src/, top to bottom, and the layers each may import (DESIGN.md "Architecture"):
 * ui -> state -> workflows -> (cards, entra, relay-api, store) -> piv -> apdu -> transport -> ccid.
 * ui sees only state and state only workflows, so the screens never reach past their view-models.
 * workflows orchestrate over the four peers and never touch a card below cards/. mail/ (template
 * rendering) and config/ (the deployment file) are leaves the peers use. src/app-error.ts and
 * src/bytes.ts (which uses only app-error) sit under everything and any layer imports them; the entry
 * files in src/ (main.ts, sw.ts, auth-redirect.ts, register-sw.ts) and src/self-service/main.ts (the
 * holder's page) are the composition roots above ui.
 * simulator/ (the virtual reader, the virtual PIV card and the vpcd client side) is the demo's and the
 * tests' outside world: it drives the real transport and is loaded lazily by the demo; tests of any
 * layer may use it. The reader backends are transport's (`ReaderBackend`), and src/workflows/readers.ts
 * alone composes them (and the demo's simulator) for state/: see READER_COMPOSITION below.
 */
const LAYERS = {
  ui: ['state'],
  state: ['workflows'],
  workflows: ['cards', 'entra', 'relay-api', 'store', 'mail', 'config'],
  cards: ['piv', 'apdu', 'transport', 'ccid'],
  entra: ['config'],
  'relay-api': ['mail', 'config'],
  store: [],
  mail: [],
  config: [],
  piv: ['apdu', 'transport', 'ccid'],
  apdu: ['transport', 'ccid'],
  transport: ['ccid'],
  ccid: [],
  simulator: ['transport', 'ccid'],
};

/** Every layer beneath `dir`: a test may build the real stack under the code it tests. */
const beneath = (dir) => {
  const seen = new Set();
  const visit = (d) => LAYERS[d].forEach((below) => seen.has(below) || (seen.add(below), visit(below)));
  visit(dir);
  return [...seen];
};

/** Matches an import specifier that climbs out to one of `dirs` (a sibling of the importing tree). */
const reaching = (dirs) => `^(\\.\\.\\/)+(${dirs.join('|')})(\\/|$)`;

/** Product code (src/, relay/, bridge/) never depends on the demo's outside world, tests or tooling. */
const OUTSIDE = {
  regex: reaching(['demo', 'test', 'scripts', 'bench']),
  message: 'Product code must not import demo/, test/, scripts/ or bench/ (DESIGN.md).',
};
/** Only ui/ and state/ are Svelte; nothing beneath them imports Svelte or a rune module. */
const SVELTE = [
  { regex: '^svelte(\\/|$)', message: 'Nothing below src/state imports Svelte (DESIGN.md).' },
  { regex: '\\.svelte$', message: 'Nothing below src/state imports a Svelte component or rune module (DESIGN.md).' },
];

/**
 * `no-restricted-imports` sees static imports and re-exports; `no-restricted-syntax` adds `import()`
 * expressions and `import('…')` types. Both rules are set whole here because flat config replaces, not
 * merges, a rule's options.
 */
const restrict = (files, bans, ignores = []) => ({
  files,
  ignores,
  rules: {
    'no-restricted-imports': ['error', { patterns: bans }],
    'no-restricted-syntax': [
      'error',
      NO_JS_SUFFIX,
      ...bans.map(({ regex, message }) => ({
        selector: `ImportExpression[source.value=/${regex}/], TSImportType[source.value=/${regex}/]`,
        message,
      })),
    ],
  },
});

/** Tests, and the fixtures kept beside them (relay/mail/mail-fixture.ts), are not product code. */
const TESTS = ['**/*.test.ts', '**/*-fixture.ts'];
const layerFiles = (dir) => [`src/${dir}/**/*.ts`, `src/${dir}/**/*.svelte`];

/** The import bans for code in src/`dir` that may import the layers in `allowed`. */
const bansFor = (dir, allowed) => {
  const bans = Object.keys(LAYERS)
    .filter((d) => d !== dir && !allowed.includes(d))
    .map((d) => ({
      regex: reaching([d]),
      message: `src/${dir} must not import src/${d}: it may import ${allowed.map((a) => `src/${a}`).join(', ') || 'no other layer'} (DESIGN.md dependency direction).`,
    }));
  return dir === 'ui' || dir === 'state' ? bans : [...bans, ...SVELTE];
};

/** The boundary for one layer: its code imports only `LAYERS[dir]`; its tests anything beneath it. */
const layer = (dir) => [
  restrict(layerFiles(dir), [...bansFor(dir, LAYERS[dir]), OUTSIDE], TESTS),
  restrict(
    TESTS.map((t) => `src/${dir}/${t}`),
    bansFor(dir, [...beneath(dir), 'simulator']),
  ),
];

/** src/workflows/readers.ts composes the reader backends: it may also import transport/ and simulator/. */
const READER_COMPOSITION = ['src/workflows/readers.ts'];

export default ts.config(
  {
    ignores: [
      'dist/',
      'dist-iwa/',
      '.iwa-build/',
      'dev-dist/',
      'node_modules/',
      '.demo/',
      '.e2e-build/',
      'test-results/',
      'playwright-report/',
    ],
  },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', NO_JS_SUFFIX],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'] } },
  },
  {
    files: ['src/**/*.ts', 'src/**/*.svelte'],
    rules: {
      'no-restricted-globals': ['error', { name: 'Buffer', message: 'Use Uint8Array in browser code.' }],
      'no-console': 'error',
    },
  },
  { files: ['**/*.test.ts'], rules: { 'no-console': 'off' } },
  ...Object.keys(LAYERS).flatMap(layer),
  restrict(READER_COMPOSITION, [
    ...bansFor('workflows', [...LAYERS.workflows, 'transport', 'ccid', 'simulator']),
    OUTSIDE,
  ]),
  restrict(['src/*.ts', 'src/self-service/*.ts', 'relay/**/*.ts', 'bridge/**/*.ts'], [OUTSIDE], TESTS),
  restrict(
    ['src/app-error.ts'],
    [{ regex: '^\\.', message: 'src/app-error.ts sits under every layer and imports none.' }],
  ),
  restrict(
    ['src/bytes.ts'],
    [{ regex: '^\\.(?!\\/app-error$)', message: 'src/bytes.ts sits under every layer and imports only app-error.' }],
  ),
);
