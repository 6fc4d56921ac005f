import { afterEach, describe, expect, it } from 'vitest'
import type { Bus, BusMessage } from './types.ts'

const message = (n: number): BusMessage => ({
  frame: { t: 'presence', operatorsOnline: n, available: n > 0 },
})

/** What every bus does for the subscribers of one relay; run on each adapter. */
export function describeBus(
  name: string,
  openBus: () => Promise<Bus & { topicCount: number }>,
): void {
  describe(`bus contract: ${name}`, () => {
    const opened: Bus[] = []
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((bus) => bus.close()))
    })
    const open = async () => {
      const bus = await openBus()
      opened.push(bus)
      return bus
    }

    it('delivers messages of a topic to its subscribers in publish order', async () => {
      const bus = await open()
      const log: string[] = []
      bus.subscribe('a', (m) => log.push(`a1: ${JSON.stringify(m.frame)}`))
      bus.subscribe('a', (m) =>
        log.push(`a2: ${(m.frame as { operatorsOnline: number }).operatorsOnline}`),
      )
      bus.subscribe('b', () => log.push('b'))
      bus.publish('a', message(1))
      bus.publish('a', message(2))
      expect(log).toEqual([
        'a1: {"t":"presence","operatorsOnline":1,"available":true}',
        'a2: 1',
        'a1: {"t":"presence","operatorsOnline":2,"available":true}',
        'a2: 2',
      ])
    })

    it('stops delivering after unsubscribe, supports double unsubscribe and frees the topic', async () => {
      const bus = await open()
      const log: number[] = []
      const off = bus.subscribe('a', () => log.push(1))
      bus.publish('a', message(1))
      off()
      off()
      bus.publish('a', message(2))
      expect(log).toEqual([1])
      expect(bus.topicCount).toBe(0)
    })

    it('lets the same listener subscribe twice and unsubscribe each independently', async () => {
      const bus = await open()
      const log: number[] = []
      const listener = () => log.push(1)
      const off1 = bus.subscribe('a', listener)
      bus.subscribe('a', listener)
      off1()
      bus.publish('a', message(1))
      expect(log).toEqual([1])
    })

    it('ignores publishes and subscriptions after close', async () => {
      const bus = await open()
      const log: number[] = []
      bus.subscribe('a', () => log.push(1))
      await bus.close()
      bus.publish('a', message(1))
      bus.subscribe('a', () => log.push(2))
      bus.publish('a', message(1))
      expect(log).toEqual([])
    })
  })
}
