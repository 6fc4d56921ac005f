/**
 * Vitest global setup: builds each package whose output is missing, in dependency
 * order. Tests read sources (the `source` condition), except where a separate Node
 * process runs a package as it ships: the relay's CLI (`bin/parley-relay.js`, which
 * resolves workspace packages to their `dist/`), and the widget and console files
 * the relay serves to the browser tests. CI builds before testing; locally, run
 * `pnpm build` after changing a package those tests run.
 */
import { execSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const root = new URL('..', import.meta.url).pathname

/** Each package and a file its build writes, dependencies before dependants. */
const OUTPUTS = [
  ['protocol', 'dist/index.js'],
  ['scenarios', 'dist/index.js'],
  ['client', 'dist/index.js'],
  ['widget', 'dist/loader.js'],
  ['console', 'dist/index.html'],
] as const

export default function setup() {
  for (const [pkg, file] of OUTPUTS) {
    if (!existsSync(`${root}packages/${pkg}/${file}`)) {
      execSync('npm run build', { cwd: `${root}packages/${pkg}`, stdio: 'inherit' })
    }
  }
}
