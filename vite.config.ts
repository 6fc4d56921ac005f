import { defaultClientConditions, defaultServerConditions } from 'vite'
import { defineConfig } from 'vitest/config'

// vitest 5's reporter calls Map.groupBy (Node 21+) when it prints a failure; on
// Node 20 that call throws and hides the failure. This config loads in the
// reporter's process, so the missing method is supplied here.
if (!('groupBy' in Map)) {
  Object.defineProperty(Map, 'groupBy', {
    value<K, T>(items: Iterable<T>, key: (item: T, index: number) => K): Map<K, T[]> {
      const groups = new Map<K, T[]>()
      let index = 0
      for (const item of items) {
        const k = key(item, index++)
        const group = groups.get(k)
        if (group) group.push(item)
        else groups.set(k, [item])
      }
      return groups
    },
  })
}

/**
 * Workspace packages resolve to their TypeScript sources (the `source` condition in
 * their `exports`), so tests need no prior build and never run a stale `dist/`.
 */
const sources = {
  resolve: { conditions: ['source', ...defaultClientConditions] },
  ssr: { resolve: { conditions: ['source', ...defaultServerConditions] } },
}

/**
 * One vitest run, several projects: pure logic and relay tests run in Node,
 * widget component tests in happy-dom, browser tests drive Debian's Chromium.
 */
export default defineConfig({
  test: {
    projects: [
      {
        ...sources,
        test: {
          name: 'node',
          environment: 'node',
          include: [
            'packages/{protocol,client,relay,scenarios}/src/**/*.test.ts',
            'examples/**/*.test.ts',
          ],
          // The CLI tests run bin/parley-relay.js, which runs the compiled relay.
          // …and the Postgres engine and the Redis bus are tested on real servers, started
          // once per run and shared (packages/relay/src/testing/global-services.ts).
          globalSetup: [
            'scripts/build-if-missing.ts',
            'packages/relay/src/testing/global-services.ts',
          ],
          testTimeout: 20_000,
        },
      },
      {
        ...sources,
        oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
        test: {
          name: 'dom',
          environment: 'happy-dom',
          include: ['packages/{widget,console,test-dom}/src/**/*.test.{ts,tsx}'],
        },
      },
      {
        ...sources,
        test: {
          name: 'browser',
          environment: 'node',
          include: ['e2e/**/*.test.ts'],
          globalSetup: ['scripts/build-if-missing.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
