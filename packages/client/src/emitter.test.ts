import { expect, test } from 'vitest'
import { createEmitter } from './emitter.ts'

type Events = { ping: { n: number } }

test('listeners are called in the order added, once each however often they were added', () => {
  const events = createEmitter<Events>()
  const log: string[] = []
  const a = ({ n }: { n: number }) => log.push(`a ${n}`)
  events.on('ping', a)
  events.on('ping', ({ n }) => log.push(`b ${n}`))
  events.on('ping', a)
  events.emit('ping', { n: 1 })
  expect(log).toEqual(['a 1', 'b 1'])
})

test('off and the returned unsubscribe both remove a listener, and calling either twice is harmless', () => {
  const events = createEmitter<Events>()
  const log: number[] = []
  const a = ({ n }: { n: number }) => log.push(n)
  const b = ({ n }: { n: number }) => log.push(n * 10)
  const offA = events.on('ping', a)
  events.on('ping', b)
  offA()
  offA()
  events.off('ping', b)
  events.off('ping', b)
  events.emit('ping', { n: 1 })
  expect(log).toEqual([])
})

test('a listener may unsubscribe another during emit: that one is still called this time', () => {
  const events = createEmitter<Events>()
  const log: string[] = []
  let offB = () => {}
  events.on('ping', () => {
    log.push('a')
    offB()
  })
  offB = events.on('ping', () => log.push('b'))
  events.emit('ping', { n: 1 })
  events.emit('ping', { n: 2 })
  expect(log).toEqual(['a', 'b', 'a'])
})

test('a throwing listener stops neither the others nor the caller; its error is rethrown asynchronously', async () => {
  const events = createEmitter<Events>()
  const log: string[] = []
  const thrown: unknown[] = []
  const onError = (error: unknown) => thrown.push(error)
  process.on('uncaughtException', onError)
  try {
    events.on('ping', () => {
      throw new Error('listener bug')
    })
    events.on('ping', () => log.push('second'))
    events.emit('ping', { n: 1 })
    log.push('caller goes on')
    expect(thrown).toEqual([])
    await new Promise((resolve) => setTimeout(resolve))
    expect(log).toEqual(['second', 'caller goes on'])
    expect(thrown).toEqual([new Error('listener bug')])
  } finally {
    process.off('uncaughtException', onError)
  }
})

test('clear drops every listener', () => {
  const events = createEmitter<Events>()
  const log: number[] = []
  events.on('ping', ({ n }) => log.push(n))
  events.clear()
  events.emit('ping', { n: 1 })
  expect(log).toEqual([])
})
