import { readFileSync } from 'node:fs'
import { defaultClientConditions, defineConfig, type Plugin, type UserConfig } from 'vite'
import { secondPass } from './minify.ts'

/**
 * Three builds:
 * - `vite build` (default mode): the chat bundle `dist/widget.js`, an ES module
 *   with code splitting, imported by the loader. Empties `dist/` first.
 * - `vite build --mode loader`: `dist/loader.js`, a self-contained IIFE for the
 *   script tag. Must run second: it keeps what the first build wrote.
 * - `vite build --mode npm`: the npm entries (`mount()` from src/index.ts, the
 *   `<parley-widget>` element from src/element.ts) into `lib/`, which `exports`
 *   names; `dist/` stays the script-tag build the relay serves.
 */

/**
 * Classic JSX (`h(type, props, ...children)`) in the bundle: shorter calls than the
 * automatic runtime's `jsx(type, { ...props, children: [...] })`, and no jsx-runtime
 * module (about 130 B gz). Sources stay runtime-neutral: tests and type checks keep
 * the automatic runtime (tsconfig), this plugin gives each .tsx its `h` here.
 */
const preactH = {
  name: 'preact-h',
  enforce: 'pre' as const,
  transform(code: string, id: string) {
    return id.endsWith('.tsx') ? `import { h, Fragment } from 'preact';${code}` : undefined
  },
}
/** Every served file gets terser's pass after rolldown's minifier (minify.ts). */
const terserPass = (module: boolean): Plugin => ({
  name: 'terser-pass',
  generateBundle(_options, bundle) {
    for (const file of Object.values(bundle)) {
      if (file.type === 'chunk') file.code = secondPass(file.code, module)
    }
  },
})
const oxc = { jsx: { runtime: 'classic', pragma: 'h', pragmaFrag: 'Fragment' } } as const
/** Workspace packages from their sources: no library build needed first. */
const conditions = ['source', ...defaultClientConditions]

/**
 * The npm library: ES modules for the consumer's bundler, which minifies, replaces
 * `process.env.NODE_ENV` and resolves the dependencies (left as imports, so an app
 * that uses Preact or nanostores itself gets one copy). Stylesheets are inlined as
 * strings (`?inline`), so the app needs no CSS handling; the forms and scenarios
 * chunks stay `import()`s, split by the app's bundler. Types: `tsc -p tsconfig.build.json`.
 */
function npmLibrary(): UserConfig {
  const { dependencies } = JSON.parse(
    readFileSync(new URL('package.json', import.meta.url), 'utf8'),
  )
  const external = Object.keys(dependencies as Record<string, string>)
  return {
    plugins: [preactH],
    resolve: { conditions },
    oxc,
    build: {
      target: 'es2022',
      outDir: 'lib',
      emptyOutDir: true,
      minify: false,
      copyPublicDir: false,
      lib: { entry: { index: 'src/index.ts', element: 'src/element.ts' }, formats: ['es'] },
      rolldownOptions: {
        external: (id: string) => external.some((name) => id === name || id.startsWith(`${name}/`)),
        output: {
          entryFileNames: '[name].js',
          chunkFileNames: (chunk) =>
            chunk.facadeModuleId?.endsWith('/src/scenarios/chunk.ts')
              ? 'chunks/scenarios-[hash].js'
              : 'chunks/[name]-[hash].js',
        },
      },
    },
  }
}

export default defineConfig(({ mode }) => {
  if (mode === 'npm') return npmLibrary()
  const loader = mode === 'loader'
  return {
    base: './',
    plugins: [preactH, terserPass(!loader)],
    resolve: {
      conditions,
      // The few bytes of `atom` the widget and its client use, instead of nanostores' (src/atom.ts).
      alias: { nanostores: new URL('./src/atom.ts', import.meta.url).pathname },
    },
    oxc,
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
