import { minify_sync } from 'terser'

/**
 * A second minifier pass over a file rolldown (oxc) has already minified: terser's
 * compressor finds a little more, and its mangler orders short names by how often
 * their letters occur, which gzip rewards (about 110 B gz over the served files,
 * scripts/size.ts). Terser's default, safe transforms only; no property mangling.
 * `module: false` for a classic script (the loader), which must not be assumed strict.
 */
export function secondPass(code: string, module = true): string {
  return minify_sync(code, { module, ecma: 2020, compress: { passes: 2 } }).code ?? code
}
