import { defaultClientConditions, defineConfig } from 'vite'

/**
 * The operator console, built into `dist/` and served by the relay under `/console/`.
 * In dev (`vite`), REST and WebSocket calls go to the relay named by `PARLEY_RELAY`.
 */
export default defineConfig({
  base: '/console/',
  // Workspace packages from their sources: no library build needed first.
  resolve: { conditions: ['source', ...defaultClientConditions] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: {
      output: {
        // `history/elements.ts` → `history-<hash>.js`: each lazily loaded area has a name of
        // its own (`pnpm size` budgets them one by one).
        chunkFileNames: (chunk) => {
          const area = /\/src\/(\w+)\/elements\.ts$/.exec(chunk.facadeModuleId ?? '')?.[1]
          return `assets/${area ?? '[name]'}-[hash].js`
        },
      },
    },
  },
  server: {
    proxy: {
      '/v1': { target: process.env.PARLEY_RELAY ?? 'http://127.0.0.1:8080', ws: true },
    },
  },
})
