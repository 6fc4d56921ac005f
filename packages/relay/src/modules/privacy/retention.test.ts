import { afterEach, describe, expect, it } from 'vitest'
import { manualClock } from '../../testing/manual-clock.ts'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'
import { call, createScenario } from '../../testing/scenarios.ts'
import type { Frame, TestSocket } from '../../testing/ws-client.ts'
import { RetentionScheduler } from './retention.ts'
import { rawDb } from './test/subjects.ts'

const DAY = 24 * 60 * 60 * 1000
const START = Date.UTC(2026, 0, 1)

let relay: TestRelay
afterEach(() => relay?.close())

async function acked(socket: TestSocket, frame: Frame) {
  socket.send(frame)
  const reply = await socket.next((f) => (f.t === 'ack' || f.t === 'error') && f.cid === frame.cid)
  expect(reply.t, JSON.stringify(reply)).toBe('ack')
  return reply
}

describe('retention', () => {
  it('erases exactly the conversations, profiles and engagements past their periods', async () => {
    let now = START
    relay = await injectRelay({ now: () => now, retentionIntervalMs: 365 * DAY })
    const cookie = await relay.login()
    const scenario = await createScenario(relay, cookie)
    const at = (day: number) => {
      now = START + day * DAY
    }
    /** A visitor who gives a name and writes `text` on `day`; returns ids. */
    const visitor = async (name: string) => {
      const { socket, welcome } = await relay.visitor()
      return { socket, id: welcome.visitorId as string, token: welcome.token as string, name }
    }
    const write = async (v: { socket: TestSocket }, cid: string, text: string) =>
      (await acked(v.socket, { t: 'send', cid, text })).conversationId as string
    const identify = (v: { socket: TestSocket; name: string }, cid: string) =>
      acked(v.socket, { t: 'identify', cid, userId: v.name, name: v.name })
    const engage = (v: { socket: TestSocket }, cid: string) =>
      acked(v.socket, {
        t: 'engage',
        cid,
        scenarioId: scenario.id,
        event: 'impression',
        page: '/catalog',
      })

    at(0)
    const old = await visitor('Olga Old')
    const mixed = await visitor('Mark Mixed')
    await identify(old, 'i1')
    await identify(mixed, 'i1')
    const oldChat = await write(old, 'm1', 'Olga wrote on day 0')
    const mixedOld = await write(mixed, 'm1', 'Mark wrote on day 0')
    await engage(old, 'g1')
    // Closed, so Mark's later message opens a conversation of its own.
    const { socket: admin } = await relay.operator({ cookie })
    await acked(admin, { t: 'close', cid: 'x1', conversationId: mixedOld })
    at(1)
    const edge = await visitor('Eve Edge')
    const edgeChat = await write(edge, 'm1', 'Eve wrote on day 1, exactly at the cut')
    at(25)
    const fresh = await visitor('Fred Fresh')
    await identify(fresh, 'i1')
    const freshChat = await write(fresh, 'm1', 'Fred wrote on day 25')
    const mixedNew = await write(mixed, 'm2', 'Mark wrote again on day 25')
    await engage(fresh, 'g1')
    for (const v of [old, mixed, edge, fresh]) await v.socket.close()
    await admin.close()

    // The periods are set a moment before the run, which happens at day 31 exactly.
    at(31)
    now -= 1
    const later = await relay.login()
    const put = await call(relay, later, 'PUT', '/v1/privacy/retention/shop', {
      conversationsDays: 30,
      visitorsDays: 30,
      engagementsDays: 30,
    })
    expect(put).toMatchObject({
      status: 200,
      body: { conversationsDays: 30, visitorsDays: 30, engagementsDays: 30 },
    })
    expect((await call(relay, later, 'GET', '/v1/privacy/retention/shop')).body).toEqual(put.body)
    now += 1
    await relay.app.retention.runNow()

    const db = rawDb(relay)
    const erased = db
      .prepare('SELECT id FROM conversations WHERE erased_at IS NOT NULL ORDER BY id')
      .all()
      .map((r) => (r as { id: string }).id)
    expect(erased).toEqual([oldChat, mixedOld].sort())
    const kept = db
      .prepare('SELECT id FROM conversations WHERE erased_at IS NULL ORDER BY id')
      .all()
      .map((r) => (r as { id: string }).id)
    expect(kept).toEqual([edgeChat, freshChat, mixedNew].sort())
    // Olga's profile was all past the period; Mark spoke on day 25, so his profile stays.
    const profiles = db.prepare('SELECT name FROM visitors ORDER BY name').all()
    expect(profiles).toEqual([{ name: 'Fred Fresh' }, { name: 'Mark Mixed' }])
    const texts = db
      .prepare("SELECT text FROM events WHERE kind = 'message' ORDER BY at, text")
      .all()
    expect(texts).toEqual([
      { text: '[erased]' },
      { text: '[erased]' },
      { text: 'Eve wrote on day 1, exactly at the cut' },
      { text: 'Fred wrote on day 25' },
      { text: 'Mark wrote again on day 25' },
    ])
    const engagements = db.prepare('SELECT at FROM engagements ORDER BY at').all()
    expect(engagements).toEqual([{ at: START + 25 * DAY }])
    // Olga was erased as by a request: her token is refused.
    const socket = await relay.socket('/v1/visitor?site=shop')
    socket.send({ t: 'hello', v: 1, token: old.token })
    expect(await socket.next()).toMatchObject({ t: 'error', code: 'token_invalid' })

    // One audit entry for the run, with its counts; a second run finds nothing, and says so.
    const entries = async () => (await call(relay, later, 'GET', '/v1/privacy/audit')).body.entries
    const [run] = await entries()
    expect(run).toMatchObject({
      action: 'retention',
      actorId: null,
      details: {
        sites: {
          shop: expect.objectContaining({
            visitors_erased: 1,
            visitors: 1,
            conversations: 2,
            engagements_dropped: 1,
          }),
        },
      },
    })
    await relay.app.retention.runNow()
    const runs = (await entries()).filter((e: { action: string }) => e.action === 'retention')
    expect(runs).toHaveLength(2)
    expect(runs).toContainEqual(
      expect.objectContaining({
        details: {
          sites: {
            shop: {
              conversations: 0,
              events: 0,
              routing_log: 0,
              engagements_dropped: 0,
              visitors_erased: 0,
            },
          },
        },
      }),
    )
  })

  it('keeps everything by default, and refuses a period outside 1..3650 days', async () => {
    relay = await injectRelay()
    const cookie = await relay.login()
    expect((await call(relay, cookie, 'GET', '/v1/privacy/retention/shop')).body).toEqual({
      conversationsDays: null,
      visitorsDays: null,
      engagementsDays: null,
    })
    for (const days of [0, 3651, 1.5, -1]) {
      const reply = await call(relay, cookie, 'PUT', '/v1/privacy/retention/shop', {
        conversationsDays: days,
        visitorsDays: null,
        engagementsDays: null,
      })
      expect(reply.body.code, String(days)).toBe('bad_request')
    }
    const unknown = await call(relay, cookie, 'PUT', '/v1/privacy/retention/nowhere', {
      conversationsDays: 1,
      visitorsDays: null,
      engagementsDays: null,
    })
    expect(unknown.body.code).toBe('site_not_found')
    expect((await call(relay, cookie, 'GET', '/v1/privacy/audit')).body.entries).toEqual([])
  })
})

describe('the retention schedule', () => {
  it('runs at start, then every interval after the previous run ended, never two at once', async () => {
    const clock = manualClock()
    const log: string[] = []
    let finish: (() => void) | undefined
    const scheduler = new RetentionScheduler({
      intervalMs: 1000,
      timers: clock.timers,
      onError: (error) => log.push(`error ${String(error)}`),
      run: () => {
        log.push(`run at ${clock.now()}`)
        return new Promise<void>((resolve) => {
          finish = resolve
        })
      },
    })
    const settle = () => new Promise((resolve) => setImmediate(resolve))
    scheduler.start()
    expect(log).toEqual(['run at 1000000'])
    // While it runs, no timer is set and runNow joins the run under way.
    expect(clock.pending).toBe(0)
    const joined = scheduler.runNow()
    expect(log).toHaveLength(1)
    clock.advance(5000)
    finish!()
    await joined
    await settle()
    expect(clock.pending).toBe(1)
    clock.advance(999)
    expect(log).toHaveLength(1)
    clock.advance(1)
    expect(log).toEqual(['run at 1000000', 'run at 1006000'])
    finish!()
    await settle()
    await scheduler.stop()
    expect(clock.pending).toBe(0)
    clock.advance(10_000)
    expect(log).toHaveLength(2)
  })

  it('waits out an interval longer than a timer holds (24.8 days) instead of running at once', async () => {
    const clock = manualClock()
    let runs = 0
    const delays: number[] = []
    const timers = {
      ...clock.timers,
      setTimeout: (fn: () => void, ms: number) => {
        delays.push(ms)
        return clock.timers.setTimeout(fn, ms)
      },
    }
    const scheduler = new RetentionScheduler({
      intervalMs: 365 * DAY,
      timers,
      onError: () => {},
      run: async () => {
        runs++
      },
    })
    const settle = () => new Promise((resolve) => setImmediate(resolve))
    scheduler.start()
    await settle()
    expect(runs).toBe(1)
    // No timer is asked for more than setTimeout keeps.
    expect(Math.max(...delays)).toBeLessThanOrEqual(2 ** 31 - 1)
    clock.advance(364 * DAY)
    await settle()
    expect(runs).toBe(1)
    clock.advance(DAY)
    await settle()
    expect(runs).toBe(2)
    await scheduler.stop()
  })

  it('logs a failed run and keeps the schedule', async () => {
    const clock = manualClock()
    const log: string[] = []
    let runs = 0
    const scheduler = new RetentionScheduler({
      intervalMs: 1000,
      timers: clock.timers,
      onError: (error) => log.push(`error: ${(error as Error).message}`),
      run: async () => {
        runs++
        if (runs === 1) throw new Error('disk full')
      },
    })
    scheduler.start()
    await new Promise((resolve) => setImmediate(resolve))
    clock.advance(1000)
    await new Promise((resolve) => setImmediate(resolve))
    expect(log).toEqual(['error: disk full'])
    expect(runs).toBe(2)
    await scheduler.stop()
  })
})
