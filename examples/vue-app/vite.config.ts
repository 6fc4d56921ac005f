import { defaultClientConditions, defineConfig } from 'vite'

/**
 * Vue's full build (runtime + template compiler), so the app's template string is
 * compiled in the browser and no SFC plugin is needed. The app has no JSX of its
 * own: inside this repository `@parley/widget` resolves to its TypeScript source
 * (the `source` condition), whose components use Preact's JSX, so that is the JSX
 * runtime here. An app that installs the package gets its built JavaScript instead.
 */
export default defineConfig({
  resolve: {
    conditions: ['source', ...defaultClientConditions],
    alias: [{ find: /^vue$/, replacement: 'vue/dist/vue.esm-bundler.js' }],
  },
  define: {
    __VUE_OPTIONS_API__: 'true',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
})
