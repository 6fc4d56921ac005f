import { defaultClientConditions, defineConfig, transformWithOxc } from 'vite'

/** The widget's own components, which are written for Preact. */
const WIDGET_TSX = /\/packages\/widget\/src\/.*\.tsx$/

/**
 * React JSX for this app. Inside this repository `@parley/widget` resolves to its
 * TypeScript source (the `source` condition; an app that installs the package gets
 * its built JavaScript and needs none of this), whose components use Preact's JSX:
 * the small plugin compiles those files with Preact's runtime, everything else with React's.
 */
export default defineConfig({
  resolve: { conditions: ['source', ...defaultClientConditions] },
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' }, exclude: WIDGET_TSX },
  plugins: [
    {
      name: 'parley-widget-preact-jsx',
      enforce: 'pre',
      async transform(code, id) {
        if (!WIDGET_TSX.test(id)) return
        const result = await transformWithOxc(code, id, {
          jsx: { runtime: 'automatic', importSource: 'preact' },
        })
        return { code: result.code, map: result.map }
      },
    },
  ],
})
