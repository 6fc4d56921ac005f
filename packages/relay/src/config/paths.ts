import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The folder of `@parley/relay`'s package.json, found by walking up from this file, so
 * the same code finds `migrations/` from `src/` (workspace) and from `dist/` (installed).
 */
function findPackageDir(from: string): string {
  let dir = from
  for (;;) {
    const manifest = join(dir, 'package.json')
    if (existsSync(manifest)) {
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }
      if (name === '@parley/relay') return dir
    }
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`@parley/relay: no package.json above ${from}`)
    dir = parent
  }
}

export const RELAY_PACKAGE_DIR = findPackageDir(dirname(fileURLToPath(import.meta.url)))

/** The workspace root when the relay runs from the repository (widget, console, demo site). */
export const WORKSPACE_DIR = join(RELAY_PACKAGE_DIR, '..', '..')

/** The widget's script-tag build: `dist/` of the `@parley/widget` the relay depends on. */
export const WIDGET_DIST_DIR = join(
  dirname(createRequire(import.meta.url).resolve('@parley/widget/package.json')),
  'dist',
)

/** The console: `console/` in the relay's tarball (copied at pack time), else the workspace's build. */
export const CONSOLE_DIR = existsSync(join(RELAY_PACKAGE_DIR, 'console'))
  ? join(RELAY_PACKAGE_DIR, 'console')
  : join(WORKSPACE_DIR, 'packages/console/dist')
