import { defineConfig } from 'vitest/config';

// Projects: node-side unit and integration tests, renderer tests in jsdom, and the end-to-end
// suite (real Chromium against the browser host). scripts/test-all.mjs runs them and adds up
// the counts.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          include: [
            'protocol/test/**/*.test.ts',
            'simulator/test/**/*.test.ts',
            'app-main/test/**/*.test.ts',
            // The services keep their tests beside them, one folder per area (issue 12 item 2).
            'app-main/src/**/*.test.ts',
          ],
          exclude: ['**/*.keychain.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'keychain',
          environment: 'node',
          include: ['app-main/test/**/*.keychain.test.ts', 'app-main/src/**/*.keychain.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'renderer',
          environment: 'jsdom',
          include: ['app-renderer/test/**/*.test.{ts,tsx}'],
          // The tests drive the real services and simulated routers over loopback sockets
          // (app-renderer/test/inprocess-bridge.ts): a loaded machine needs more than the default 5 s.
          testTimeout: 20_000,
          hookTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['tests/e2e/**/*.spec.ts'],
          testTimeout: 90_000,
          hookTimeout: 90_000,
          fileParallelism: false,
        },
      },
      {
        // Offline packaging smoke test and icon checks (engineering-notes §4.3).
        test: {
          name: 'packaging',
          environment: 'node',
          include: ['tests/packaging/**/*.test.ts'],
          testTimeout: 600_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
