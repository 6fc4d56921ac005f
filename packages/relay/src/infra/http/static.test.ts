import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'

let dir: string
let relay: TestRelay | undefined

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'parley-static-'))
  for (const [sub, file, body] of [
    ['widget', 'loader.js', 'console.log("loader")'],
    ['console', 'index.html', '<title>console</title>'],
    ['demo', 'index.html', '<title>demo shop</title>'],
  ] as const) {
    mkdirSync(join(dir, sub))
    writeFileSync(join(dir, sub, file), body)
  }
})
afterEach(async () => {
  await relay?.close()
  relay = undefined
  rmSync(dir, { recursive: true, force: true })
})

const dirs = () => ({
  widget: join(dir, 'widget'),
  console: join(dir, 'console'),
  demoSite: join(dir, 'demo'),
})

describe('static files', () => {
  it('serves the widget with CORS * and the console under /console/', async () => {
    relay = await injectRelay({ staticDirs: dirs() })
    const loader = await relay.fetch('/widget/loader.js')
    expect(await loader.text()).toContain('loader')
    expect(loader.headers.get('access-control-allow-origin')).toBe('*')
    const redirect = await relay.fetch('/console', { redirect: 'manual' })
    expect(redirect.status).toBe(301)
    expect(redirect.headers.get('location')).toBe('/console/')
    expect(await (await relay.fetch('/console/')).text()).toContain('console')
  })

  it('serves the demo site at / only in demo mode, and seeds site demo', async () => {
    relay = await injectRelay({ staticDirs: dirs() })
    const plain = await relay.fetch('/', { redirect: 'manual' })
    expect(plain.headers.get('location')).toBe('/console/')
    expect((await relay.fetch('/v1/sites/demo/config')).status).toBe(404)
    await relay.close()

    relay = await injectRelay({ staticDirs: dirs(), demo: true })
    expect(await (await relay.fetch('/')).text()).toContain('demo shop')
    expect((await relay.fetch('/v1/sites/demo/config')).status).toBe(200)
    expect((await relay.fetch('/healthz')).status).toBe(200)
  })

  it('starts without the built front-ends', async () => {
    relay = await injectRelay({
      staticDirs: {
        widget: join(dir, 'none'),
        console: join(dir, 'none'),
        demoSite: join(dir, 'none'),
      },
      demo: true,
    })
    expect((await relay.fetch('/widget/loader.js')).status).toBe(404)
    expect((await relay.fetch('/healthz')).status).toBe(200)
  })
})
