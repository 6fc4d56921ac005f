import { minify_sync } from 'terser'

/**
 * A second minifier pass over a file rolldown (oxc) has already minified: terser's
 * compressor finds a little more, and its mangler orders short names by how often
 * their letters occur, which gzip rewards (scripts/size.ts). No property mangling.
 * Beyond terser's defaults, function expressions that use no `this` become arrows and
 * object properties become methods (`unsafe_arrows`, `unsafe_methods`): unsafe only
 * for a function that is called with `new` or whose `prototype` is read, which no
 * function expression or object property here is (components are declared functions;
 * Preact's callbacks and option hooks are plain calls).
 * `module: false` for a classic script (the loader), which must not be assumed strict.
 */
export function secondPass(code: string, module = true): string {
  const compress = { passes: 2, unsafe_arrows: true, unsafe_methods: true }
  return minify_sync(code, { module, ecma: 2020, compress }).code ?? code
}
