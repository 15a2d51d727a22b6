import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

/** Unit, corpus, transcript and service tests. Browser end-to-end tests are Playwright's (test/e2e). */
export default defineConfig({
  // The state classes (src/state/*.svelte.ts) are rune modules, compiled as the browser gets them (Vitest
  // would otherwise ask for the server build, where `$state` is a plain field and nothing is reactive).
  plugins: [svelte({ configFile: false, dynamicCompileOptions: () => ({ generate: 'client' }) })],
  test: {
    include: [
      'src/**/*.test.ts',
      'relay/**/*.test.ts',
      'bridge/**/*.test.ts',
      'demo/**/*.test.ts',
      'test/**/*.test.ts',
      'scripts/**/*.test.ts',
    ],
    environment: 'node',
    globalSetup: ['test/support/vitest-global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
