import { defineConfig } from 'vitest/config'

/**
 * One vitest run, several projects: pure logic and relay tests run in Node,
 * widget component tests in happy-dom, browser tests drive Debian's Chromium.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['packages/{protocol,client,relay}/src/**/*.test.ts', 'examples/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
        test: {
          name: 'dom',
          environment: 'happy-dom',
          include: ['packages/{widget,console}/src/**/*.test.{ts,tsx}'],
        },
      },
      {
        test: {
          name: 'browser',
          environment: 'node',
          include: ['e2e/**/*.test.ts'],
          globalSetup: ['e2e/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
