import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { measureFiles, widgetFiles } from '../../../../../scripts/size.ts'
import { CONSOLE_DIR, WIDGET_DIST_DIR } from '../../config/paths.ts'
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

describe('the built widget over the wire', () => {
  const widgetDir = WIDGET_DIST_DIR
  const built = { widget: WIDGET_DIST_DIR, console: CONSOLE_DIR, demoSite: '/nonexistent' }
  const wire = async (path: string, encoding?: string) => {
    const response = await relay!.fetch(path, {
      headers: encoding ? { 'accept-encoding': encoding } : {},
    })
    return { response, body: Buffer.from(await response.arrayBuffer()) }
  }

  it('sends brotli, gzip or the plain file as accepted, gzip bytes as scripts/size.ts counts', async () => {
    relay = await injectRelay({ staticDirs: built })
    const files = widgetFiles()
    expect(files).toEqual(expect.arrayContaining(['loader.js', 'widget.js']))
    let gzipped = 0
    for (const file of files) {
      const plain = readFileSync(join(widgetDir, file))
      const br = await wire(`/widget/${file}`, 'br, gzip')
      expect(br.response.headers.get('content-encoding')).toBe('br')
      expect(br.response.headers.get('vary')).toContain('accept-encoding')
      expect(br.response.headers.get('content-type')).toMatch(/^(application|text)\/javascript/)
      expect(brotliDecompressSync(br.body)).toEqual(plain)
      expect(br.body.length).toBeLessThan(plain.length)

      const gz = await wire(`/widget/${file}`, 'gzip')
      expect(gz.response.headers.get('content-encoding')).toBe('gzip')
      expect(gunzipSync(gz.body)).toEqual(plain)
      gzipped += gz.body.length
      if (file === 'loader.js') expect(gz.body.length).toBe(measureFiles().loader)

      const identity = await wire(`/widget/${file}`)
      expect(identity.response.headers.get('content-encoding')).toBeNull()
      expect(identity.body).toEqual(plain)
    }
    expect(gzipped).toBe(measureFiles().everything)
  })

  it('lets hashed chunks be cached for good and revalidates the loader and the entry', async () => {
    relay = await injectRelay({ staticDirs: built })
    const chunks = widgetFiles().filter((f) => f.startsWith('chunks/'))
    expect(chunks.length).toBeGreaterThan(0)
    for (const file of chunks) {
      for (const encoding of ['br', 'gzip', undefined]) {
        const { response } = await wire(`/widget/${file}`, encoding)
        expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
      }
    }
    for (const [file, cache] of [
      ['loader.js', 'public, max-age=300'],
      ['widget.js', 'public, no-cache'],
    ]) {
      for (const encoding of ['br', 'gzip', undefined]) {
        const { response } = await wire(`/widget/${file}`, encoding)
        expect(response.headers.get('cache-control')).toBe(cache)
        const etag = response.headers.get('etag')
        expect(etag).toBeTruthy()
        const again = await relay.fetch(`/widget/${file}`, {
          headers: { 'if-none-match': etag!, ...(encoding ? { 'accept-encoding': encoding } : {}) },
        })
        expect(again.status).toBe(304)
      }
    }
    const page = await wire('/console/', 'br')
    expect(page.response.headers.get('content-encoding')).toBe('br')
    expect(page.response.headers.get('cache-control')).toBe('public, no-cache')
  })
})
