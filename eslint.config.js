// Lint rules: TypeScript and Svelte recommended sets, plus the project's layering rules from DESIGN.md.
import js from '@eslint/js';
import ts from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

const layer = (dir, forbidden) => ({
  files: [`src/${dir}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: forbidden.map((f) => ({
          group: [`**/${f}/**`, `../${f}/*`],
          message: `src/${dir} must not import src/${f} (DESIGN.md dependency direction).`,
        })),
      },
    ],
  },
});

export default ts.config(
  { ignores: ['dist/', 'dev-dist/', 'node_modules/', '.demo/', '.e2e-build/', 'test-results/', 'playwright-report/'] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // One import convention: relative imports name the module without an extension (Bundler resolution).
      'no-restricted-syntax': [
        'error',
        {
          selector:
            'ImportDeclaration[source.value=/^\\.{1,2}\\/.*\\.js$/], ExportNamedDeclaration[source.value=/^\\.{1,2}\\/.*\\.js$/], ExportAllDeclaration[source.value=/^\\.{1,2}\\/.*\\.js$/], ImportExpression[source.value=/^\\.{1,2}\\/.*\\.js$/]',
          message: 'Relative imports carry no .js suffix (one import convention).',
        },
      ],
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
  layer('ccid', ['apdu', 'transport', 'piv', 'cards', 'entra', 'store', 'workflows', 'state', 'ui']),
  layer('apdu', ['piv', 'cards', 'entra', 'store', 'workflows', 'state', 'ui']),
  layer('transport', ['apdu', 'piv', 'cards', 'entra', 'store', 'workflows', 'state', 'ui']),
  layer('piv', ['cards', 'entra', 'store', 'workflows', 'state', 'ui']),
  layer('cards', ['entra', 'store', 'workflows', 'state', 'ui']),
  layer('entra', ['cards', 'store', 'workflows', 'state', 'ui', 'piv']),
  layer('store', ['cards', 'entra', 'workflows', 'state', 'ui', 'piv']),
  layer('workflows', ['ccid', 'apdu', 'state', 'ui']),
  layer('state', ['ui']),
);
