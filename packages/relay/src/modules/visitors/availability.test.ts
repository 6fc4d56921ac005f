import { afterEach, describe, expect, it } from 'vitest'
import { MemoryBus } from '../../infra/bus/memory.ts'
import { PRESENCE_TOPIC } from '../../infra/bus/topics.ts'
import type { BusMessage } from '../../infra/bus/types.ts'
import { SiteAvailability } from './availability.ts'

const ALWAYS = { workingHours: null }
const socket = () => {
  const got: BusMessage['frame'][] = []
  return { got, deliver: (message: BusMessage) => got.push(message.frame) }
}

let shared: SiteAvailability | undefined
afterEach(() => shared?.close())

describe('presence of a site, shared by its visitor sockets', () => {
  it('tells every socket of the site once per change, and a socket gone nothing', () => {
    const bus = new MemoryBus()
    let online = 0
    shared = new SiteAvailability(bus, () => online, Date.now, 60_000)
    const [a, b, c] = [socket(), socket(), socket()]
    expect(shared.join('shop', ALWAYS, a).presence).toEqual({
      operatorsOnline: 0,
      available: false,
    })
    shared.join('shop', ALWAYS, b)
    const left = shared.join('blog', ALWAYS, c)
    online = 1
    bus.publish(PRESENCE_TOPIC, { frame: { t: 'presence', operatorsOnline: 1, available: true } })
    const presence = { t: 'presence', operatorsOnline: 1, available: true }
    expect([a.got, b.got, c.got]).toEqual([[presence], [presence], [presence]])
    // Nothing changed for the sites: nobody is told again.
    bus.publish(PRESENCE_TOPIC, { frame: { t: 'presence', operatorsOnline: 1, available: true } })
    expect([a.got.length, b.got.length, c.got.length]).toEqual([1, 1, 1])
    left.leave()
    online = 0
    bus.publish(PRESENCE_TOPIC, { frame: { t: 'presence', operatorsOnline: 0, available: false } })
    expect([a.got.length, b.got.length, c.got.length]).toEqual([2, 2, 1])
  })

  it('tells the sockets already there when a newcomer finds the site changed', () => {
    const bus = new MemoryBus()
    const online = 1
    let now = Date.UTC(2026, 0, 5, 8, 0) // a Monday, 08:00 UTC
    shared = new SiteAvailability(
      bus,
      () => online,
      () => now,
      60_000,
    )
    const day: [string, string] = ['09:00', '18:00']
    const hours = {
      workingHours: {
        timeZone: 'UTC',
        days: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: null, sun: null },
      },
    }
    const early = socket()
    expect(shared.join('shop', hours, early).presence.available).toBe(false)
    now = Date.UTC(2026, 0, 5, 9, 30)
    const later = socket()
    expect(shared.join('shop', hours, later).presence.available).toBe(true)
    expect(early.got).toEqual([{ t: 'presence', operatorsOnline: 1, available: true }])
    expect(later.got).toEqual([])
  })
})
