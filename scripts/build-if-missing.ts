/**
 * Vitest global setup: builds each package whose output is missing, in dependency
 * order. Tests read sources (the `source` condition), except where a package runs
 * as it ships: the relay's CLI (`bin/parley-relay.js` runs `dist/`), the widget and
 * console files the relay serves to the browser tests, and the tarballs
 * `e2e/pack.test.ts` packs. CI builds before testing; locally, run `pnpm build`
 * after changing a package those tests run.
 */
import { execSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const root = new URL('..', import.meta.url).pathname

/** Each package and a file its build writes, dependencies before dependants. */
const OUTPUTS = [
  ['protocol', 'dist/index.js'],
  ['scenarios', 'dist/index.js'],
  ['client', 'dist/index.js'],
  ['widget', 'lib/index.js'],
  ['console', 'dist/index.html'],
  ['relay', 'dist/cli/main.js'],
] as const

export default function setup() {
  for (const [pkg, file] of OUTPUTS) {
    if (!existsSync(`${root}packages/${pkg}/${file}`)) {
      execSync('npm run build', { cwd: `${root}packages/${pkg}`, stdio: 'inherit' })
    }
  }
}
