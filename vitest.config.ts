import { defineConfig } from 'vitest/config';

// One command runs every suite. The engine follows DATABASE_URL exactly as the product does:
// unset → embedded PGlite, set → that PostgreSQL server.
const alias = [{ find: /^graphql$/, replacement: 'graphql/index.js' }]; // one graphql realm

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['api/src/**/*.test.ts', 'web/src/**/*.test.ts', 'schema/**/*.test.ts'],
          environment: 'node',
          // generating the demo city twice takes a few seconds, several times that on a busy machine
          testTimeout: 30_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['tests/**/*.test.ts'],
          exclude: ['**/node_modules/**', 'tests/bench/**', 'tests/e2e/**'],
          globalSetup: ['tests/support/global-setup.ts'],
          // Files in one worker share its database (created once per worker, not per test).
          isolate: false,
          pool: 'forks',
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
      {
        resolve: { alias },
        test: {
          // The product in headless Chromium (Debian's /usr/bin/chromium), one file at a time.
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/support/global-setup.ts'],
          pool: 'forks',
          fileParallelism: false,
          testTimeout: 90_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
