import { defaultClientConditions, defineConfig } from 'vite'

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
    // Classic JSX (`h(type, props, ...children)`) in the bundle: shorter calls than the
    // automatic runtime's `jsx(type, { ...props, children: [...] })`, and no jsx-runtime
    // module (about 130 B gz). Sources stay runtime-neutral: tests and type checks keep
    // the automatic runtime (tsconfig), this plugin gives each .tsx its `h` here.
    plugins: [
      {
        name: 'preact-h',
        enforce: 'pre' as const,
        transform(code: string, id: string) {
          return id.endsWith('.tsx') ? `import { h, Fragment } from 'preact';${code}` : undefined
        },
      },
    ],
    resolve: {
      // Workspace packages from their sources: no library build needed first.
      conditions: ['source', ...defaultClientConditions],
      // The few bytes of `atom` the widget and its client use, instead of nanostores' (src/atom.ts).
      alias: { nanostores: new URL('./src/atom.ts', import.meta.url).pathname },
    },
    oxc: { jsx: { runtime: 'classic', pragma: 'h', pragmaFrag: 'Fragment' } },
    // Library mode keeps `process.env.NODE_ENV` as written (nanostores reads it);
    // browsers have no `process`.
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    build: {
      target: 'es2022',
      outDir: 'dist',
      emptyOutDir: !loader,
      minify: true,
      modulePreload: false,
      copyPublicDir: false,
      // Library mode for the chat bundle: Vite then adds no module-preload helper
      // around `import()` (about 0.5 KB gz we do not need: chunks load on demand).
      lib: loader
        ? false
        : { entry: 'src/widget.ts', formats: ['es' as const], fileName: () => 'widget.js' },
      rolldownOptions: {
        input: { [loader ? 'loader' : 'widget']: loader ? 'src/loader.ts' : 'src/widget.ts' },
        preserveEntrySignatures: 'allow-extension',
        output: loader
          ? { format: 'iife', entryFileNames: '[name].js' }
          : {
              format: 'es',
              // Library mode leaves whitespace in ES output; this bundle is only ever served.
              minify: true,
              // `/* @__PURE__ */` marks are for a further bundler; this output is final.
              comments: false,
              entryFileNames: '[name].js',
              // widget.js holds the chat and its client (title blink, sound and the HTTP
              // fallback included): every further file costs gzip overhead. Two on-demand
              // chunks: `forms-*` (forms and rating, when one is shown) and `scenarios-*`
              // (the engagement engine with its DOM side and the invitation bubble, only
              // for sites with scenarios). scripts/size.ts leaves them out of "first open"
              // and counts them in "everything".
              chunkFileNames: (chunk) => {
                const id = chunk.facadeModuleId ?? ''
                if (id.endsWith('/src/forms/forms.tsx')) return 'chunks/forms-[hash].js'
                if (id.endsWith('/widget/src/scenarios/chunk.ts'))
                  return 'chunks/scenarios-[hash].js'
                const name = chunk.name.replace(/^(forms|scenarios)/, 'shared')
                return `chunks/${name}-[hash].js`
              },
            },
      },
    },
  }
})
