import { defineConfig } from 'vitest/config';

/** Unit, corpus, transcript and service tests. Browser end-to-end tests are Playwright's (test/e2e). */
export default defineConfig({
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
