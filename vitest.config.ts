import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'src/**/*.test.ts',
      'tracker/**/*.test.ts',
      'test/**/*.test.ts',
      'bench/**/*.test.ts',
      'dashboard/src/**/*.test.ts',
    ],
    exclude: ['bench/.tmp/**', 'node_modules/**'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Browser and crash suites start servers and Chromium; two cores are all CI has.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
