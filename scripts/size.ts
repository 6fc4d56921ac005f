/**
 * Gzipped sizes of what a visitor downloads, checked against the budgets in
 * README.md. Exits 1 when a budget is exceeded. Run after `pnpm build`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

const dist = new URL('../packages/widget/dist/', import.meta.url).pathname

export const BUDGETS = {
  loader: 2 * 1024,
  firstOpen: 20 * 1024,
  /** The engagement engine (`@parley/scenarios`), loaded only for sites with scenarios. */
  scenarios: 3 * 1024,
  /** The widget's side of scenarios (page facts, visit history, invitation bubble). */
  invite: 3 * 1024,
  everything: 30 * 1024,
} as const

function gz(file: string): number {
  return gzipSync(readFileSync(join(dist, file)), { level: 9 }).length
}

/**
 * On-demand chunks: `forms-*` loads when a form is shown (callback, offline,
 * pre-chat, rating), `lazy-*` for rarely used parts (title blink and sound in a
 * hidden tab, the HTTP fallback when WebSocket is blocked), `scenarios-*` and
 * `invite-*` only when the site config has an enabled engagement scenario.
 */
const isOnDemand = (file: string) => /(^|\/)(forms|lazy|scenarios|invite)-[^/]*\.js$/.test(file)

/**
 * Every chunk an ES chunk imports, statically or with `import()`, relative to
 * its own folder: what is loaded by the time the chat is open and connected.
 * On-demand chunks (`forms-*.js`, `lazy-*.js`) and what only they import are
 * left out: they load when needed, and count in `everything`.
 */
function closure(entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry) || isOnDemand(entry)) return seen
  seen.add(entry)
  const code = readFileSync(join(dist, entry), 'utf8')
  const folder = entry.includes('/') ? entry.slice(0, entry.lastIndexOf('/') + 1) : ''
  for (const m of code.matchAll(/(?:from|import)\s*\(?\s*["'`]\.\/([^"'`]+\.js)["'`]/g)) {
    closure(folder + m[1]!, seen)
  }
  return seen
}

function listJs(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((name) => {
    const rel = prefix + name
    if (statSync(join(dir, name)).isDirectory()) return listJs(join(dir, name), `${rel}/`)
    return rel.endsWith('.js') || rel.endsWith('.css') ? [rel] : []
  })
}

export function measure() {
  const loader = gz('loader.js')
  const firstOpen = [...closure('widget.js')].reduce((sum, f) => sum + gz(f), 0)
  const files = listJs(dist)
  const chunk = (name: string) =>
    files.filter((f) => f.startsWith(`chunks/${name}-`)).reduce((sum, f) => sum + gz(f), 0)
  const everything = files.reduce((sum, f) => sum + gz(f), 0)
  return { loader, firstOpen, scenarios: chunk('scenarios'), invite: chunk('invite'), everything }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sizes = measure()
  let failed = false
  console.log('bundle          gzip      budget')
  for (const key of Object.keys(BUDGETS) as (keyof typeof BUDGETS)[]) {
    const over = sizes[key] > BUDGETS[key]
    failed ||= over
    const kb = (n: number) => `${(n / 1024).toFixed(2)} KB`
    console.log(
      `${key.padEnd(15)} ${kb(sizes[key]).padStart(9)} ${kb(BUDGETS[key]).padStart(10)}${over ? '  OVER BUDGET' : ''}`,
    )
  }
  if (failed) {
    console.error('size: a bundle is over its budget (see README "Size budgets")')
    process.exit(1)
  }
}
