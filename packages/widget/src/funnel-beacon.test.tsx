import { afterEach, expect, test, vi } from 'vitest'
import { siteConfig } from './fake-client.ts'
import { cleanup, mountWidget } from './test-widget.ts'

afterEach(cleanup)

const channels = { chat: true, callback: true, telegram: 'chai_bot' }
const beacon = (step: string, channel?: string) => ({
  method: 'POST',
  body:
    channel === undefined
      ? { step, page: 'https://shop.example/' }
      : { step, page: 'https://shop.example/', channel },
})

test('counts the visit, the button opening and the channel picked, with nothing stored and no client', async () => {
  const w = await mountWidget(siteConfig({ channels }))
  expect(w.beacons).toEqual([beacon('visit')])

  w.button('Contact us').click()
  await vi.waitFor(() => expect(w.beacons).toHaveLength(2))
  const telegram = w.getByRole('link', { name: 'Telegram' })
  // The page stays where it is (the link opens a new tab in a browser).
  telegram.addEventListener('click', (e) => e.preventDefault())
  telegram.click()
  await vi.waitFor(() => expect(w.beacons).toHaveLength(3))
  w.button('Contact us').click()
  await vi.waitFor(() => w.button('Request a call back').click())

  expect(w.beacons).toEqual([
    beacon('visit'),
    beacon('open'),
    beacon('pick', 'telegram'),
    beacon('open'),
    beacon('pick', 'callback'),
  ])
  expect(w.storage.writes).toEqual([])
})

test('with the chat alone, opening the button picks it; closing the panel counts nothing', async () => {
  const w = await mountWidget(siteConfig())
  w.button('Open chat').click()
  await vi.waitFor(() => expect(w.button('Close chat')).toBeTruthy())
  w.button('Close chat').click()
  expect(w.beacons).toEqual([beacon('visit'), beacon('open'), beacon('pick', 'chat')])
})
