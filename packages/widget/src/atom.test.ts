import { expect, test } from 'vitest'
import { atom } from './atom.ts'

test('set notifies listeners with the new and the old value, and an equal value notifies no one', () => {
  const $n = atom(1)
  const seen: [number, number | undefined][] = []
  $n.listen((value, old) => seen.push([value, old]))
  $n.set(2)
  $n.set(2)
  expect($n.get()).toBe(2)
  expect(seen).toEqual([[2, 1]])
})

test('subscribe calls at once; the returned function unsubscribes', () => {
  const $s = atom('a')
  const seen: string[] = []
  const off = $s.subscribe((value) => seen.push(value))
  $s.set('b')
  off()
  $s.set('c')
  expect(seen).toEqual(['a', 'b'])
})

test('a listener removed by another during a notification is not called', () => {
  const $n = atom(0)
  const seen: string[] = []
  let offSecond = () => {}
  $n.listen(() => {
    seen.push('first')
    offSecond()
  })
  offSecond = $n.listen(() => seen.push('second'))
  $n.set(1)
  expect(seen).toEqual(['first'])
})

test('a throwing listener does not stop the others; its error is rethrown after them', () => {
  const $n = atom(0)
  const seen: number[] = []
  $n.listen(() => {
    throw new Error('boom')
  })
  $n.listen((value) => seen.push(value))
  expect(() => $n.set(1)).toThrow('boom')
  expect(seen).toEqual([1])
  expect($n.get()).toBe(1)
})

test('an atom created without a value holds undefined', () => {
  expect(atom<string | undefined>().get()).toBeUndefined()
})
