import { expect, test } from 'vitest'
import { createCommandApi } from './command-queue.ts'

test('calls made before the bundle loads are replayed in order, then forwarded directly', () => {
  const queued: string[] = []
  const api = createCommandApi(undefined, (command) => queued.push(command))
  const fn = () => {}
  api('on', 'message', fn)
  api('open')
  api('allowStorage')
  expect(queued).toEqual(['on', 'open', 'allowStorage'])

  const calls: unknown[][] = []
  api.attach((...args) => calls.push(args))
  expect(calls).toEqual([['on', 'message', fn], ['open'], ['allowStorage']])
  api('close')
  expect(calls.at(-1)).toEqual(['close'])
  expect(queued).toHaveLength(3)
  expect(api.q).toEqual([])
})

test("a page stub's queue is taken over ahead of later calls", () => {
  // What `(Parley.q = Parley.q || []).push(arguments)` leaves behind.
  function stubArgs(...args: unknown[]) {
    return args as ArrayLike<unknown>
  }
  const api = createCommandApi([stubArgs('on', 'ready', 1), stubArgs('open')], () => {})
  api('close')
  const calls: unknown[][] = []
  api.attach((...args) => calls.push(args))
  expect(calls).toEqual([['on', 'ready', 1], ['open'], ['close']])
})

test('calls made while replaying keep their place after the queue', () => {
  const api = createCommandApi([['open']], () => {})
  const calls: unknown[][] = []
  api.attach((...args) => {
    calls.push(args)
    if (args[0] === 'open') api('toggle')
  })
  expect(calls).toEqual([['open'], ['toggle']])
})
