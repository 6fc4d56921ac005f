/**
 * Gzipped sizes of what a visitor downloads (the widget) and what an operator downloads (the
 * console's shell and each of its lazily loaded chunks), checked against the budgets below,
 * which README.md's "Size budgets" table must repeat (checked too). Exits 1 when a
 * budget is exceeded or the table differs. Run after `pnpm build`.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { secondPass } from '../packages/widget/minify.ts'

const root = new URL('..', import.meta.url).pathname
const dist = join(root, 'packages/widget/dist/')

/** Budgets in bytes; README.md's table lists them in KB under the same names. */
export const BUDGETS = {
  /** `loader.js`, the script tag. */
  loader: 2 * 1024,
  /** widget.js and what it imports: the chat open and in use on a site without scenarios. */
  firstOpen: 20 * 1024,
  /**
   * The engagement engine alone (what the widget imports from `@parley/scenarios`, built
   * on its own): the "the engine adds at most 3 KB".
   */
  engine: 3 * 1024,
  /** The `scenarios-*` chunk: the engine with the widget's side (page facts, bubble, pulse). */
  scenarios: 5 * 1024,
  /** Every file the widget can ever fetch, the loader included. */
  everything: 30.5 * 1024,
  /**
   * The console as an operator opens it: `index.html`, the entry script and what it imports
   * statically (not the lazily loaded chunks below).
   */
  consoleShell: 40 * 1024,
  /** The console's settings chunk, loaded the first time Settings opens. */
  consoleSettings: 40 * 1024,
  /** The analytics chunk (charts with uPlot), loaded the first time Analytics opens. */
  consoleAnalytics: 40 * 1024,
  /** The history chunk (search), loaded the first time History opens. */
  consoleHistory: 8 * 1024,
  /** The console's visitor card chunk, loaded the first time a card is shown. */
  consoleVisitorCard: 4 * 1024,
} as const

/** The console's budgets: the shell, and each lazily loaded chunk by its file name's start. */
type ConsoleKey =
  | 'consoleShell'
  | 'consoleSettings'
  | 'consoleAnalytics'
  | 'consoleHistory'
  | 'consoleVisitorCard'
const CONSOLE_CHUNKS: Readonly<Record<string, Exclude<ConsoleKey, 'consoleShell'>>> = {
  settings: 'consoleSettings',
  analytics: 'consoleAnalytics',
  history: 'consoleHistory',
  'visitor-card': 'consoleVisitorCard',
}
const consoleDist = join(root, 'packages/console/dist/')

const gzBytes = (data: string | Buffer) => gzipSync(data, { level: 9 }).length
const gz = (file: string) => gzBytes(readFileSync(join(dist, file)))

/**
 * On-demand chunks: `forms-*` loads when a form is shown (callback, offline,
 * pre-chat, rating), `scenarios-*` only when the site config has an enabled
 * engagement scenario.
 */
const isOnDemand = (file: string) => /(^|\/)(forms|scenarios)-[^/]*\.js$/.test(file)

/**
 * Every chunk an ES chunk imports, statically or with `import()`, relative to
 * its own folder: what is loaded by the time the chat is open and connected.
 * On-demand chunks and what only they import are left out: they load when
 * needed, and count in `everything`.
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

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((name) => {
    const rel = prefix + name
    if (statSync(join(dir, name)).isDirectory()) return listFiles(join(dir, name), `${rel}/`)
    return rel.endsWith('.js') || rel.endsWith('.css') ? [rel] : []
  })
}

/**
 * The engine on its own: a library build (same minifier settings as the widget's
 * chunks, terser's second pass included) of an entry re-exporting exactly what the widget imports from
 * `@parley/scenarios` (`createEngine`, in packages/widget/src/scenarios/chunk.ts),
 * into a temporary folder.
 */
export function measureEngine(): number {
  const dir = mkdtempSync(join(tmpdir(), 'parley-engine-'))
  try {
    writeFileSync(
      join(dir, 'entry.ts'),
      `export { createEngine } from '${join(root, 'packages/scenarios/src/index.ts')}'\n`,
    )
    const config = {
      root: dir,
      logLevel: 'error',
      build: {
        outDir: join(dir, 'out'),
        target: 'es2022',
        minify: true,
        lib: { entry: join(dir, 'entry.ts'), formats: ['es'], fileName: 'engine' },
        rolldownOptions: { output: { minify: true, comments: false } },
      },
    }
    writeFileSync(join(dir, 'engine.config.mjs'), `export default ${JSON.stringify(config)}\n`)
    const require = createRequire(join(root, 'packages/widget/package.json'))
    const vite = join(dirname(require.resolve('vite/package.json')), 'bin/vite.js')
    execFileSync(process.execPath, [vite, 'build', '--config', join(dir, 'engine.config.mjs')], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'inherit'],
    })
    const [file, ...more] = readdirSync(join(dir, 'out'))
    if (!file || more.length > 0)
      throw new Error(`size: expected one engine file, got ${file} ${more}`)
    return gzBytes(secondPass(readFileSync(join(dir, 'out', file), 'utf8')))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The widget's files (`.js`, `.css`) relative to its `dist/`. */
export function widgetFiles(): string[] {
  return listFiles(dist)
}

/**
 * The console's sizes: the shell (`index.html`, the entry chunk it names and every chunk
 * imported statically from there) and each lazily loaded chunk (`import("./x-<hash>.js")`),
 * each under its budget. A lazy chunk with no budget of its own is an error: name it in
 * `CONSOLE_CHUNKS`.
 */
export function measureConsole(): Record<ConsoleKey, number> {
  const read = (file: string) => readFileSync(join(consoleDist, file))
  const html = read('index.html').toString('utf8')
  const entry = /<script[^>]+src="\/console\/(assets\/[^"]+\.js)"/.exec(html)?.[1]
  if (!entry) throw new Error('size: no entry script in packages/console/dist/index.html')
  const shell = new Set<string>()
  const lazy = new Set<string>()
  const walk = (file: string) => {
    if (shell.has(file)) return
    shell.add(file)
    const code = read(file).toString('utf8')
    for (const m of code.matchAll(/(?:from|import)\s*["'`]\.\/([^"'`]+\.js)["'`]/g)) {
      walk(`assets/${m[1]}`)
    }
    for (const m of code.matchAll(/import\(\s*["'`]\.\/([^"'`]+\.js)["'`]\s*\)/g)) {
      lazy.add(`assets/${m[1]}`)
    }
  }
  walk(entry)
  const sizes: Record<ConsoleKey, number> = {
    consoleShell: gzBytes(html) + [...shell].reduce((sum, f) => sum + gzBytes(read(f)), 0),
    consoleSettings: 0,
    consoleAnalytics: 0,
    consoleHistory: 0,
    consoleVisitorCard: 0,
  }
  for (const file of lazy) {
    if (shell.has(file)) continue
    const name = /^assets\/(.+)-[\w-]{8}\.js$/.exec(file)?.[1] ?? file
    const key = CONSOLE_CHUNKS[name]
    if (!key) throw new Error(`size: the console chunk ${file} has no budget (CONSOLE_CHUNKS)`)
    sizes[key] += gzBytes(read(file))
  }
  return sizes
}

/** The budgets measured on the built files (all but `engine`, which needs a build of its own). */
export function measureFiles(): Record<
  Exclude<keyof typeof BUDGETS, 'engine' | ConsoleKey>,
  number
> {
  const files = listFiles(dist)
  const chunk = (name: string) =>
    files.filter((f) => f.startsWith(`chunks/${name}-`)).reduce((sum, f) => sum + gz(f), 0)
  return {
    loader: gz('loader.js'),
    firstOpen: [...closure('widget.js')].reduce((sum, f) => sum + gz(f), 0),
    scenarios: chunk('scenarios'),
    everything: files.reduce((sum, f) => sum + gz(f), 0),
  }
}

export function measure(): Record<keyof typeof BUDGETS, number> {
  return { ...measureFiles(), ...measureConsole(), engine: measureEngine() }
}

/**
 * The budgets README.md's "Size budgets" table states, in bytes, by the name in its
 * first column (rows like "| `loader` | the script tag | 2 KB |").
 */
export function readmeBudgets(readme: string): Record<string, number> {
  const section = readme.split(/^## Size budgets$/m)[1]?.split(/^## /m)[0] ?? ''
  const rows: Record<string, number> = {}
  for (const m of section.matchAll(/^\|\s*`(\w+)`\s*\|.*\|\s*([\d.]+)\s*KB\s*\|\s*$/gm)) {
    rows[m[1]!] = Number(m[2]) * 1024
  }
  return rows
}

/** Differences between BUDGETS and the README's table, one message each. */
export function budgetMismatches(readme: string): string[] {
  const stated = readmeBudgets(readme)
  const names = new Set([...Object.keys(BUDGETS), ...Object.keys(stated)])
  const kb = (n: number | undefined) => (n === undefined ? 'missing' : `${n / 1024} KB`)
  return [...names].flatMap((name) => {
    const code = BUDGETS[name as keyof typeof BUDGETS]
    const doc = stated[name]
    return code === doc ? [] : [`${name}: scripts/size.ts ${kb(code)}, README ${kb(doc)}`]
  })
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sizes = measure()
  let failed = false
  const kb = (n: number) => `${(n / 1024).toFixed(2)} KB`
  console.log('bundle               gzip      budget')
  for (const key of Object.keys(BUDGETS) as (keyof typeof BUDGETS)[]) {
    const over = sizes[key] > BUDGETS[key]
    failed ||= over
    console.log(
      `${key.padEnd(20)} ${kb(sizes[key]).padStart(9)} ${kb(BUDGETS[key]).padStart(10)}${over ? '  OVER BUDGET' : ''}`,
    )
  }
  if (failed) console.error('size: a bundle is over its budget (see README "Size budgets")')
  const mismatches = budgetMismatches(readFileSync(join(root, 'README.md'), 'utf8'))
  for (const m of mismatches) console.error(`size: README "Size budgets" differs: ${m}`)
  if (failed || mismatches.length > 0) process.exit(1)
}
