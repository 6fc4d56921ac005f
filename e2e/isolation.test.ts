import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import {
  launchBrowser,
  NAMES,
  openChat,
  operatorOnline,
  type PageServer,
  type Relay,
  servePages,
  startRelay,
} from './harness.ts'

let relay: Relay
let pages: PageServer
let browser: Browser
let operator: { close(): void }

const LAUNCHER = NAMES.contact

function page(relayUrl: string, extraHead = '') {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Customer site</title>${extraHead}</head>
<body><h1>Customer site</h1><p id="para">Some text.</p>
<script async src="${relayUrl}/widget/loader.js" data-site="demo"></script></body></html>`
}

beforeAll(async () => {
  relay = await startRelay()
  operator = await operatorOnline(relay)
  const hostile = `<style>
    * { all: unset !important; display: block !important; color: red !important; font-size: 40px !important;
        visibility: visible !important; opacity: 1 !important; }
    div, button, textarea { display: none !important; }
    parley-chat { display: none !important; position: absolute !important; left: -9999px !important; }
  </style>`
  const csp = `script-src 'self' ${relay.url}; style-src 'self' ${relay.url}; connect-src 'self' ${relay.url} ${relay.url.replace('http', 'ws')}; img-src 'self' ${relay.url} data:`
  pages = await servePages({
    '/plain': { html: page(relay.url) },
    '/hostile': { html: page(relay.url, hostile) },
    '/csp': { html: page(relay.url), headers: { 'content-security-policy': csp } },
  })
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await pages?.close()
  operator?.close()
  await relay?.close()
})

test('the widget works on a page from another origin with a strict CSP (no inline scripts or styles, no eval)', async () => {
  const context = await browser.newContext()
  const visitor = await context.newPage()
  const violations: string[] = []
  visitor.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text())
  })
  await visitor.goto(`${pages.url}/csp`)
  await openChat(visitor)
  await visitor.getByRole('textbox', { name: NAMES.message }).fill('Hello under CSP')
  await visitor.getByRole('button', { name: NAMES.send }).click()
  await expect.poll(() => visitor.getByRole('log').innerText()).toContain('Hello under CSP')
  // The stylesheet applied: the launcher is a round accent-coloured button, not an unstyled one.
  const launcherStyle = await visitor
    .getByRole('button', { name: NAMES.closeChat })
    .evaluate((el) => getComputedStyle(el).borderRadius)
  expect(launcherStyle).not.toBe('0px')
  expect(violations).toEqual([])
  await context.close()
})

test('a hostile page stylesheet changes nothing in the widget', async () => {
  const context = await browser.newContext()
  const measure = async (path: string) => {
    const p = await context.newPage()
    await p.goto(`${pages.url}${path}`)
    const launcher = p.getByRole('button', { name: LAUNCHER })
    await launcher.waitFor()
    const box = await launcher.boundingBox()
    const font = await launcher.evaluate((el) => getComputedStyle(el).fontSize)
    await p.close()
    return { box, font }
  }
  const plain = await measure('/plain')
  const hostile = await measure('/hostile')
  expect(hostile.box).toEqual(plain.box)
  expect(hostile.font).toBe(plain.font)
  await context.close()
})

test.each([
  ['/plain', 0],
  ['/hostile', 1],
])(
  'the widget adds no stylesheet to the page %s (%i of its own), and page text keeps its styles',
  async (path, own) => {
    const context = await browser.newContext()
    // The loader is held until the page has been measured without the widget.
    let release = () => {}
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    await context.route(`${relay.url}/widget/loader.js`, async (route) => {
      await held
      await route.continue()
    })
    const p = await context.newPage()
    await p.goto(`${pages.url}${path}`, { waitUntil: 'domcontentloaded' })
    const styles = () =>
      p.evaluate(() => {
        const para = getComputedStyle(document.getElementById('para')!)
        return {
          sheets: [...document.styleSheets].map(
            (sheet) =>
              `${sheet.ownerNode?.nodeName} ${sheet.href ?? ''} ${[...sheet.cssRules].map((r) => r.cssText).join(' ')}`,
          ),
          adopted: document.adoptedStyleSheets.length,
          elements: [...document.querySelectorAll('style, link')].map((el) => el.outerHTML),
          paraColor: para.color,
          paraFont: para.fontSize,
        }
      })
    const before = await styles()
    expect(await p.getByRole('button', { name: LAUNCHER }).count()).toBe(0)
    expect(before.sheets).toHaveLength(own)

    release()
    await openChat(p)
    await p.getByRole('textbox', { name: NAMES.message }).waitFor()
    expect(await styles()).toEqual(before)
    await context.close()
  },
)
