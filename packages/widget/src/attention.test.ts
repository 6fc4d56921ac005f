import { expect, test } from 'vitest'
import { createAttention } from './attention.ts'

function fakePage() {
  const listeners = new Set<() => void>()
  const intervals = new Map<number, () => void>()
  let next = 0
  const beeps: number[] = []
  class FakeAudio {
    currentTime = 0
    destination = {}
    createOscillator() {
      return {
        frequency: { value: 0 },
        connect: (n: unknown) => n,
        start: () => beeps.push(1),
        stop() {},
      }
    }
    createGain() {
      return {
        gain: { setValueAtTime() {}, exponentialRampToValueAtTime() {} },
        connect: (n: unknown) => n,
      }
    }
    close = () => Promise.resolve()
  }
  const document = {
    title: 'Sencha · Chai & Co',
    hidden: true,
    addEventListener: (_: string, fn: () => void) => listeners.add(fn),
    removeEventListener: (_: string, fn: () => void) => listeners.delete(fn),
  }
  const attention = createAttention({
    document: document as unknown as Document,
    AudioContext: FakeAudio as unknown as typeof AudioContext,
    setInterval: (fn) => {
      intervals.set(++next, fn)
      return next
    },
    clearInterval: (handle) => intervals.delete(handle as number),
  })
  const show = () => {
    document.hidden = false
    for (const fn of listeners) fn()
  }
  const blink = () => {
    for (const fn of intervals.values()) fn()
  }
  return { document, attention, beeps, intervals, show, blink, listeners }
}

test('a reply in a hidden tab beeps and blinks the title until the tab is visible again', () => {
  const page = fakePage()
  page.attention.notify('(1) New message')
  expect(page.beeps).toHaveLength(1)
  page.blink()
  expect(page.document.title).toBe('(1) New message')
  page.blink()
  expect(page.document.title).toBe('Sencha · Chai & Co')
  page.blink()
  page.show()
  expect(page.document.title).toBe('Sencha · Chai & Co')
  expect(page.intervals.size).toBe(0)
})

test('a visible tab is left alone, and destroy removes the listener', () => {
  const page = fakePage()
  page.document.hidden = false
  page.attention.notify('(1) New message')
  expect(page.beeps).toHaveLength(0)
  expect(page.intervals.size).toBe(0)
  page.attention.destroy()
  expect(page.listeners.size).toBe(0)
})
