import { defineConfig } from 'vitest/config';

// Three suites, by what they need: unit (nothing), integration (the real server on loopback,
// PGlite always and PostgreSQL when TEST_DATABASE_URL is set), e2e (the built app in headless Chromium).
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node' } },
      { test: { name: 'integration', include: ['tests/integration/**/*.test.ts'], environment: 'node', testTimeout: 60_000, hookTimeout: 120_000 } },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          setupFiles: ['tests/support/e2e-setup.ts'],
        },
      },
    ],
  },
});
