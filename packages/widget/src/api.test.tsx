import { accessibleDescription } from '@parley/test-dom'
import { afterEach, expect, test, vi } from 'vitest'
import { memoryStorage, siteConfig } from './fake-client.ts'
import { cleanup, mountWidget } from './test-widget.ts'

afterEach(cleanup)

test('identify and setAttributes wait for consent: no client, nothing stored until allowStorage', async () => {
  const w = await mountWidget(siteConfig())
  let identified = false
  const identify = w.handle.identify({ userId: 'u1', name: 'Anna', hash: 'ab' }).then(() => {
    identified = true
  })
  const attributes = w.handle.setAttributes({ plan: 'pro' })
  // A client would start loading right here, in the call: none did.
  expect(w.clientLoads.count).toBe(0)
  expect(w.clients).toHaveLength(0)
  expect(w.storage.writes).toEqual([])
  expect(identified).toBe(false)

  await w.handle.allowStorage()
  const client = await w.client()
  await vi.waitFor(() =>
    expect(client.calls.map((c) => c.method)).toEqual(['identify', 'setAttributes']),
  )
  expect(client.calls[0]!.args).toEqual([{ userId: 'u1', name: 'Anna', hash: 'ab' }])
  // Resolved only once the relay accepted it.
  expect(identified).toBe(false)
  client.settle()
  client.settle()
  await identify
  await attributes
  expect(identified).toBe(true)
  expect(w.clientLoads.count).toBe(1)
})

test('a refused identify rejects the promise with the relay code', async () => {
  const w = await mountWidget(siteConfig())
  await w.handle.allowStorage()
  const client = await w.client()
  const identify = w.handle.identify({ userId: 'u1' })
  await vi.waitFor(() => expect(client.calls).toHaveLength(1))
  client.settle(Object.assign(new Error('no'), { code: 'identity_unverified' }))
  await expect(identify).rejects.toMatchObject({ code: 'identity_unverified' })
})

test('open(view), close and toggle resolve and drive the panel', async () => {
  const w = await mountWidget(siteConfig({ channels: { chat: true, callback: true } }))
  await w.handle.open('offline')
  expect(w.getByRole('dialog', { name: 'Leave a message' })).toBeDefined()
  await w.handle.open('callback')
  await vi.waitFor(() =>
    expect(w.queryByRole('dialog', { name: 'Request a call back' })).not.toBeNull(),
  )
  await w.handle.close()
  await vi.waitFor(() => expect(w.queryByRole('dialog')).toBeNull())
  await w.handle.toggle()
  await vi.waitFor(() => expect(w.queryByRole('dialog', { name: 'Chai & Co' })).not.toBeNull())
})

test('unread events follow the badge, and shutdown forgets the visitor', async () => {
  const storage = memoryStorage({ 'parley:demo:token': 't', 'parley:demo:prechat': '1' })
  const w = await mountWidget(siteConfig(), { storage })
  const counts: number[] = []
  w.handle.on('unread', ({ count }) => counts.push(count))
  const client = await w.client()
  client.$unread.set(3)
  expect(counts).toEqual([3])
  await vi.waitFor(() => expect(accessibleDescription(w.button('Open chat'))).toBe('3 unread'))
  await w.handle.open()
  await w.handle.shutdown()
  expect(client.log).toContain('shutdown')
  expect(storage.getItem('parley:demo:prechat')).toBeNull()
  await vi.waitFor(() => expect(w.queryByRole('dialog')).toBeNull())
  // The omni-button no longer tells of unread replies.
  expect(accessibleDescription(w.button('Open chat'))).toBe('')
  // The next interaction starts a new visitor.
  await w.handle.allowStorage()
  await vi.waitFor(() => expect(w.clients).toHaveLength(2))
})

test('a reply in a hidden tab asks for attention; the visitor typing is throttled', async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
  try {
    const w = await mountWidget(siteConfig())
    w.button('Open chat').click()
    const client = await w.client()
    const input = () => w.textbox<HTMLTextAreaElement>('Message')
    await vi.waitFor(() => expect(input()).toBeDefined())
    for (const text of ['H', 'He', 'Hel', 'Hell']) {
      input().value = text
      input().dispatchEvent(new Event('input', { bubbles: true }))
    }
    expect(client.log.filter((l) => l.startsWith('typing'))).toEqual(['typing true'])
    vi.advanceTimersByTime(5000)
    expect(client.log.filter((l) => l.startsWith('typing'))).toEqual([
      'typing true',
      'typing false',
    ])
  } finally {
    vi.useRealTimers()
  }
})

test("a page's listener that throws stops neither the other listeners nor the widget", async () => {
  const thrown: unknown[] = []
  const onError = (error: unknown) => thrown.push(error)
  process.on('uncaughtException', onError)
  try {
    const w = await mountWidget(siteConfig())
    const views: string[] = []
    w.handle.on('open', () => {
      throw new Error('page bug')
    })
    w.handle.on('open', ({ view }) => views.push(view))
    await w.handle.open()
    await vi.waitFor(() => expect(w.queryByRole('dialog', { name: 'Chai & Co' })).not.toBeNull())
    expect(views).toEqual(['chat'])
    await vi.waitFor(() => expect(thrown).toEqual([new Error('page bug')]))
  } finally {
    process.off('uncaughtException', onError)
  }
})
