import { defineConfig } from 'vite'

/**
 * Two builds into one `dist/`:
 * - `vite build` (default mode): the chat bundle `dist/widget.js`, an ES module
 *   with code splitting, imported by the loader. Empties `dist/` first.
 * - `vite build --mode loader`: `dist/loader.js`, a self-contained IIFE for the
 *   script tag. Must run second: it keeps what the first build wrote.
 */
export default defineConfig(({ mode }) => {
  const loader = mode === 'loader'
  return {
    base: './',
    oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
    build: {
      target: 'es2020',
      outDir: 'dist',
      emptyOutDir: !loader,
      minify: true,
      modulePreload: false,
      copyPublicDir: false,
      rolldownOptions: {
        input: { [loader ? 'loader' : 'widget']: loader ? 'src/loader.ts' : 'src/widget.ts' },
        preserveEntrySignatures: 'exports-only',
        output: loader
          ? { format: 'iife', entryFileNames: '[name].js' }
          : {
              format: 'es',
              entryFileNames: '[name].js',
              chunkFileNames: 'chunks/[name]-[hash].js',
            },
      },
    },
  }
})
