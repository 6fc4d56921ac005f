import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'
import { afterAll, expect, test } from 'vitest'

const here = fileURLToPath(new URL('.', import.meta.url))
const outDirs: string[] = []

afterAll(async () => {
  await Promise.all(outDirs.map((dir) => rm(dir, { recursive: true, force: true })))
})

/** Builds `examples/<name>` with its own vite config into a temp folder; returns the emitted files. */
async function buildExample(name: string): Promise<{ html: string; js: string }> {
  const root = join(here, name)
  const outDir = await mkdtemp(join(tmpdir(), `parley-example-${name}-`))
  outDirs.push(outDir)
  const hasConfig = name !== 'script-tag'
  await build({
    root,
    configFile: hasConfig ? join(root, 'vite.config.ts') : false,
    logLevel: 'silent',
    build: { outDir, emptyOutDir: true, minify: false },
  })
  const html = await readFile(join(outDir, 'index.html'), 'utf8')
  const assets = await readdir(join(outDir, 'assets')).catch(() => [] as string[])
  const scripts = await Promise.all(
    assets
      .filter((file) => file.endsWith('.js'))
      .map((file) => readFile(join(outDir, 'assets', file), 'utf8')),
  )
  return { html, js: scripts.join('\n') }
}

test('the script tag example builds and keeps the queue snippet and the loader tag', async () => {
  const { html } = await buildExample('script-tag')
  expect(html).toContain('window.Parley = window.Parley || function')
  expect(html).toMatch(
    /<script async src="http:\/\/127\.0\.0\.1:8080\/widget\/loader\.js" data-site="demo"/,
  )
  expect(html).toContain("Parley('allowStorage')")
})

/** Asserts without printing the whole bundle when the needle is missing. */
function expectIncludes(text: string, needle: string): void {
  expect(text.includes(needle), `expected the build to include ${JSON.stringify(needle)}`).toBe(
    true,
  )
}

// A widget component compiled with React's runtime would import react/jsx-runtime from
// packages/widget, where React is not installed: the build itself would fail.
test('the React example builds with React JSX for the app and Preact JSX for the widget', async () => {
  const { html, js } = await buildExample('react-app')
  expect(html).toMatch(/<script type="module" crossorigin src="\/assets\/[^"]+\.js">/)
  expectIncludes(js, 'Chat with us')
  expectIncludes(js, 'Parley: mount() needs the `site` option')
})

test('the Vue example builds with the template compiler and the <parley-widget> element', async () => {
  const { html, js } = await buildExample('vue-app')
  expect(html).toMatch(/<script type="module" crossorigin src="\/assets\/[^"]+\.js">/)
  expectIncludes(js, '<parley-widget ref="element" :site="site" :host="host">')
  expectIncludes(js, 'customElements.define("parley-widget"')
  expectIncludes(js, 'isCustomElement')
})
