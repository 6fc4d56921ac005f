import { expect, test, vi } from 'vitest'
import { createDispatch } from './commands.ts'
import type { WidgetHandle } from './mount-with.tsx'

function fakeHandle(log: string[]): WidgetHandle {
  return {
    open: () => log.push('open'),
    close: () => log.push('close'),
    toggle: () => log.push('toggle'),
    allowStorage: () => log.push('allowStorage'),
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
  for (const c of ['open', 'close', 'toggle', 'allowStorage']) dispatch(c)
  dispatch('on', 'message', fn)
  dispatch('off', 'message', fn)
  expect(log).toEqual(['open', 'close', 'toggle', 'allowStorage', 'on message', 'off message'])
})

test('unknown commands and bad events are reported, not thrown', () => {
  const error = vi.spyOn(console, 'error').mockImplementation(() => {})
  const log: string[] = []
  const dispatch = createDispatch(fakeHandle(log))
  dispatch('destroy')
  dispatch('on', 'nope', () => {})
  dispatch('on', 'open', 'not a function')
  expect(log).toEqual([])
  expect(error).toHaveBeenCalledTimes(3)
  error.mockRestore()
})
