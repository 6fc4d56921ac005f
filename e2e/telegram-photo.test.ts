import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { crc32, deflateSync } from 'node:zlib'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import {
  type FakeTelegram,
  startFakeTelegram,
  telegramText,
} from '../packages/relay/src/testing/fake-telegram.ts'
import {
  adminApi,
  axeViolations,
  consoleLogin,
  LOOKS,
  launchBrowser,
  type Relay,
  screenshot,
  startRelay,
} from './harness.ts'

// An operator answers a Telegram visitor with a photo: "Attach file" in the composer, a PNG
// from the disk, a caption, Send. The fake Bot API receives sendPhoto with those bytes and the
// caption; a file over the relay's limit is refused with the relay's own words.

const TOKEN = '7012345678:AAHk-e2e-photo'
const MAX_BYTES = 200 * 1024
let relay: Relay
let telegram: FakeTelegram
let browser: Browser
let dir: string

/** A `size`×`size` PNG: a green field with a lighter band, as a product photo stands in. */
function png(size: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
    const length = Buffer.alloc(4)
    length.writeUInt32BE(data.length)
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(crc32(body))
    return Buffer.concat([length, body, crc])
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header.set([8, 2, 0, 0, 0], 8) // 8 bits, RGB
  const rows: number[] = []
  for (let y = 0; y < size; y++) {
    rows.push(0) // no filter
    const band = y > size / 3 && y < (2 * size) / 3
    for (let x = 0; x < size; x++) rows.push(...(band ? [0x9b, 0xd4, 0x9a] : [0x2f, 0x6f, 0x3e]))
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.from(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parley-e2e-photo-'))
  telegram = await startFakeTelegram({ tokens: [TOKEN] })
  relay = await startRelay(undefined, {
    publicUrl: 'https://chat.example.com',
    channels: { secretKey: 'ef'.repeat(32), telegramApiRoot: telegram.apiRoot },
    attachments: { maxBytes: MAX_BYTES },
  })
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await relay?.close()
  await telegram?.close()
  rmSync(dir, { recursive: true, force: true })
})

test('an operator sends a Telegram visitor a photo with a caption from the console', async () => {
  await adminApi(relay, 'POST', '/v1/admin/contact-points', {
    kind: 'telegram',
    siteId: 'demo',
    name: 'Chai Shop bot',
    credentials: { token: TOKEN },
  })
  const hook = telegram.webhook(TOKEN)!
  const update = await fetch(`${relay.url}${new URL(hook.url).pathname}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-telegram-bot-api-secret-token': hook.secret!,
    },
    body: JSON.stringify(telegramText(4242, 'Can I see the tin of the Tieguanyin?')),
  })
  expect(update.status).toBe(200)

  const photo = png(96)
  const tin = join(dir, 'tieguanyin-tin.png')
  writeFileSync(tin, photo)
  const big = join(dir, 'big.png')
  writeFileSync(big, Buffer.concat([photo, Buffer.alloc(2 * MAX_BYTES)]))

  const page = await consoleLogin(browser, relay, { viewport: { width: 1280, height: 800 } })
  await page.getByRole('button', { name: /^Ivan Petrov/ }).click()
  const log = page.getByRole('log', { name: 'Messages' })
  await expect.poll(() => log.innerText()).toContain('Can I see the tin')
  const main = page.getByRole('main')
  const toggle = page.getByRole('button', { name: 'Visitor', exact: true })
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click()
  const card = page.getByRole('region', { name: 'Visitor' })
  await expect.poll(() => card.innerText()).toMatch(/Channel\s+Telegram/)

  // Too large for this relay: its words, and nothing reaches Telegram.
  const [tooBig] = await Promise.all([
    page.waitForEvent('filechooser'),
    main.getByRole('button', { name: 'Attach file' }).click(),
  ])
  await tooBig.setFiles(big)
  await main.getByRole('group', { name: 'Attached file' }).getByText('big.png').waitFor()
  await main.getByRole('button', { name: 'Send', exact: true }).click()
  await expect
    .poll(() => main.getByRole('alert').innerText())
    .toBe('Photo not sent: The photo is larger than 200 KB, the most this relay sends')
  await screenshot(page, 'telegram-photo-refused')
  await main.getByRole('button', { name: 'Remove big.png' }).click()

  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser'),
    main.getByRole('button', { name: 'Attach file' }).click(),
  ])
  expect(chooser.isMultiple()).toBe(false)
  await chooser.setFiles(tin)
  const chip = main.getByRole('group', { name: 'Attached file' })
  await expect.poll(() => chip.innerText()).toContain('tieguanyin-tin.png')
  // The refusal was about the other file: gone with it.
  expect(await main.getByRole('alert').count()).toBe(0)
  await main.getByRole('textbox', { name: 'Reply' }).fill('Here is the tin, 100 g.')
  expect(await axeViolations(page)).toEqual([])
  await screenshot(page, 'telegram-photo-attached')
  await main.getByRole('button', { name: 'Send', exact: true }).click()

  await expect.poll(() => telegram.callsOf('sendPhoto').length).toBe(1)
  const [call] = telegram.callsOf('sendPhoto')
  expect(call!.params.chat_id).toBe('4242')
  expect(call!.params.caption).toBe('Here is the tin, 100 g.')
  expect(Buffer.from(call!.params.photo.data).equals(photo)).toBe(true)
  expect(telegram.callsOf('sendMessage')).toEqual([])

  const mine = log.getByRole('article').filter({ hasText: 'Here is the tin, 100 g.' })
  await expect.poll(() => mine.innerText()).toContain('Sent')
  await mine.getByRole('img', { name: 'tieguanyin-tin.png' }).waitFor()
  expect(await main.getByRole('group', { name: 'Attached file' }).count()).toBe(0)
  expect(await main.getByRole('alert').count()).toBe(0)
  await screenshot(page, 'telegram-photo-sent')

  // Dark, and a phone's width: the chip and the composer still fit.
  for (const look of ['dark', 'narrow'] as const) {
    const other = await consoleLogin(browser, relay, LOOKS[look])
    await other.getByRole('button', { name: /^Ivan Petrov/ }).click()
    const [picker] = await Promise.all([
      other.waitForEvent('filechooser'),
      other.getByRole('main').getByRole('button', { name: 'Attach file' }).click(),
    ])
    await picker.setFiles(tin)
    await other.getByRole('group', { name: 'Attached file' }).waitFor()
    await screenshot(other, `telegram-photo-attached-${look}`)
    await other.context().close()
  }
})
