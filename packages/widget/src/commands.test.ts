import { expect, test, vi } from 'vitest'
import { createDispatch } from './commands.ts'
import type { WidgetHandle } from './mount-with.tsx'

function fakeHandle(log: string[], fail?: string): WidgetHandle {
  const record =
    (name: string) =>
    (...args: unknown[]) => {
      const shown = args.filter((a) => a !== undefined).map((a) => JSON.stringify(a))
      log.push([name, ...shown].join(' '))
      return name === fail ? Promise.reject(new Error('refused')) : Promise.resolve()
    }
  return {
    open: record('open'),
    close: record('close'),
    toggle: record('toggle'),
    allowStorage: record('allowStorage'),
    shutdown: record('shutdown'),
    identify: record('identify'),
    setAttributes: record('setAttributes'),
    track: record('track'),
    on: (event) => {
      log.push(`on ${event}`)
      return () => {}
    },
    off: (event) => log.push(`off ${event}`),
    destroy: () => log.push('destroy'),
  }
}

test('commands reach the widget handle', () => {
  const log: string[] = []
  const dispatch = createDispatch(fakeHandle(log))
  const fn = () => {}
  for (const c of ['open', 'close', 'toggle', 'allowStorage', 'shutdown']) dispatch(c)
  dispatch('open', 'callback')
  dispatch('open', 'offline')
  dispatch('identify', { userId: 'u1', name: 'Anna', hash: 'ab' })
  dispatch('setAttributes', { plan: 'pro' })
  dispatch('track', 'added-to-cart')
  for (const event of ['ready', 'open', 'close', 'message', 'lead', 'unread']) {
    dispatch('on', event, fn)
  }
  dispatch('off', 'message', fn)
  expect(log).toEqual([
    'open',
    'close',
    'toggle',
    'allowStorage',
    'shutdown',
    'open "callback"',
    'open "offline"',
    'identify {"userId":"u1","name":"Anna","hash":"ab"}',
    'setAttributes {"plan":"pro"}',
    'track "added-to-cart"',
    'on ready',
    'on open',
    'on close',
    'on message',
    'on lead',
    'on unread',
    'off message',
  ])
})

test('unknown commands and bad arguments are reported, not thrown', () => {
  const error = vi.spyOn(console, 'error').mockImplementation(() => {})
  const log: string[] = []
  const dispatch = createDispatch(fakeHandle(log))
  dispatch('destroy')
  dispatch('on', 'nope', () => {})
  dispatch('on', 'open', 'not a function')
  dispatch('open', 'settings')
  dispatch('identify', { name: 'no user id' })
  dispatch('setAttributes', 'plan=pro')
  dispatch('track')
  dispatch('track', 'x'.repeat(65))
  expect(log).toEqual([])
  expect(error).toHaveBeenCalledTimes(8)
  error.mockRestore()
})

test('a refused command is reported on the console, never rejected into the page', async () => {
  const error = vi.spyOn(console, 'error').mockImplementation(() => {})
  const dispatch = createDispatch(fakeHandle([], 'identify'))
  dispatch('identify', { userId: 'u1', hash: 'wrong' })
  await vi.waitFor(() =>
    expect(error).toHaveBeenCalledWith('Parley: identify failed', expect.any(Error)),
  )
  error.mockRestore()
})
