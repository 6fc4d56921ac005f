/**
 * Browser tests drive the built widget and console as the relay serves them.
 * Builds them once when `dist/` is missing (CI builds before testing).
 */
import { execSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const root = new URL('..', import.meta.url).pathname

export default function setup() {
  for (const [pkg, file] of [
    ['widget', 'loader.js'],
    ['console', 'index.html'],
  ] as const) {
    if (!existsSync(`${root}packages/${pkg}/dist/${file}`)) {
      execSync('npm run build', { cwd: `${root}packages/${pkg}`, stdio: 'inherit' })
    }
  }
}
