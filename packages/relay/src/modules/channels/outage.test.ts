import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { OutageMode } from '../../testing/fake-outage.ts'
import { type FakeTelegram, startFakeTelegram, telegramText } from '../../testing/fake-telegram.ts'
import { type FakeViber, startFakeViber, viberText } from '../../testing/fake-viber.ts'
import { type FakeVk, startFakeVk, vkMessage } from '../../testing/fake-vk.ts'
import { manualClock } from '../../testing/manual-clock.ts'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'
import { type Frame, ofType, type TestSocket } from '../../testing/ws-client.ts'

// A messenger API down for a minute, then back: every reply an operator wrote meanwhile
// reaches its chat exactly once and in order, and the console reads "sent". The outbox's
// clock, timers and jitter are injected; the fakes are real HTTP servers on 127.0.0.1.

const TOKEN = '123:good'
const VK_SECRET = 'callback-secret'
const OUTAGE_MS = 60_000

let telegram: FakeTelegram
let vk: FakeVk
let viber: FakeViber
let relay: TestRelay
let cookie: string
let clock: ReturnType<typeof manualClock>
let operator: TestSocket

async function api(method: string, path: string, body?: unknown) {
  const response = await relay.fetch(path, {
    method,
    headers: { cookie, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  })
  const text = await response.text()
  return { status: response.status, body: text ? JSON.parse(text) : undefined }
}

async function addPoint(body: Record<string, unknown>) {
  const { status, body: answer } = await api('POST', '/v1/admin/contact-points', {
    siteId: 'shop',
    ...body,
  })
  expect(status, JSON.stringify(answer)).toBe(201)
  expect(answer.contactPoint.status).toBe('webhook')
  return answer.contactPoint as { id: string; webhookPath: string }
}

const deliveriesOf = async (conversationId: string) =>
  (await api('GET', `/v1/conversations/${conversationId}/deliveries`)).body.deliveries as {
    eventId: string
    state: string
    attempts: number
    error: string | null
  }[]

const fakes = () => [telegram, vk, viber]

/**
 * Lets the worker finish what the clock made due: it is idle, or every send it has on the wire
 * is held unanswered by a silent fake (only the clock's request timeout ends those).
 */
async function settle() {
  const worker = relay.app.channels.worker
  const held = () => fakes().reduce((sum, fake) => sum + fake.held, 0)
  // What the clock just fired (a timeout's abort) runs its promise chains first: a send given
  // up is counted as sending until its outcome is stored, and a stale held call would pass it.
  await new Promise((resolve) => setImmediate(resolve))
  await vi.waitUntil(
    () => {
      const { looking, lines, sending } = worker.activity
      return !looking && lines === sending && sending <= held()
    },
    {
      timeout: 5_000,
      interval: 2,
    },
  )
}

/** Moves the clock on one second at a time, letting the worker act at each. */
async function run(ms: number) {
  for (let passed = 0; passed < ms; passed += 1_000) {
    clock.advance(1_000)
    await settle()
  }
}

beforeEach(async () => {
  telegram = await startFakeTelegram({ tokens: [TOKEN] })
  vk = await startFakeVk({ token: 'vk-token' })
  viber = await startFakeViber({ token: 'viber-token' })
  clock = manualClock(Date.UTC(2026, 11, 2, 9))
  relay = await injectRelay({
    publicUrl: 'http://relay.test',
    now: clock.now,
    timers: clock.timers,
    // The operator's socket stays open however far the clock moves.
    idleTimeoutMs: 24 * 60 * 60_000,
    channels: {
      secretKey: 'c'.repeat(64),
      telegramApiRoot: telegram.apiRoot,
      vkApiBaseUrl: vk.apiBaseUrl,
      viberApiRoot: viber.apiRoot,
      // The jitter at its middle: every delay is exactly the doubling one.
      random: () => 0.5,
    },
  })
  viber.reachRelayWith((url, init) => relay.fetch(url, init))
  cookie = await relay.login()
  ;({ socket: operator } = await relay.operator({ cookie }))
})
afterEach(async () => {
  await relay.close()
  await Promise.all(fakes().map((fake) => fake.close()))
})

/** Two Telegram visitors, one on VK and one on Viber, each with an open conversation. */
async function visitors() {
  const bot = await addPoint({ kind: 'telegram', name: 'Shop bot', credentials: { token: TOKEN } })
  const community = await addPoint({
    kind: 'vk',
    name: 'Shop community',
    credentials: { token: 'vk-token', secret: VK_SECRET, confirmation: 'a1b2c3d4' },
  })
  await addPoint({ kind: 'viber', name: 'Shop', credentials: { token: 'viber-token' } })
  const hook = telegram.webhook(TOKEN)!
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    relay.fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    })
  const secret = { 'x-telegram-bot-api-secret-token': hook.secret! }
  const conversation = async (text: string, write: () => Promise<Response>) => {
    expect((await write()).status).toBe(200)
    const frame = await operator.next(
      ofType('conversation', (f) => f.conversation.lastText === text),
    )
    return frame.conversation.id as string
  }
  const path = new URL(hook.url).pathname
  expect(path).toBe(bot.webhookPath)
  return {
    tg42: await conversation('Hi, 42 here', () =>
      post(path, telegramText(42, 'Hi, 42 here'), secret),
    ),
    tg43: await conversation('Hi, 43 here', () =>
      post(path, telegramText(43, 'Hi, 43 here'), secret),
    ),
    vk: await conversation('Hi from VK', () =>
      post(community.webhookPath, vkMessage(7001, 'Hi from VK', VK_SECRET)),
    ),
    viber: await conversation('Hi from Viber', () =>
      viber.callback(viberText('anna==', 'Hi from Viber')),
    ),
  }
}

/** What each chat received, in order, as the fakes recorded it. */
function received() {
  const by = (list: { chat: string; text: string }[], chat: string) =>
    list.filter((m) => m.chat === chat).map((m) => m.text)
  const tg = telegram.delivered.map((m) => ({ chat: m.chatId, text: m.text }))
  return {
    tg42: by(tg, '42'),
    tg43: by(tg, '43'),
    vk: by(
      vk.delivered.map((m) => ({ chat: m.peerId, text: m.text })),
      '7001',
    ),
    viber: by(
      viber.delivered.map((m) => ({ chat: m.receiver, text: m.text })),
      'anna==',
    ),
  }
}

describe.each<OutageMode>(['bad-gateway', 'refused', 'silent'])(
  'messenger APIs down for a minute (%s)',
  (mode) => {
    it('deliver every reply written meanwhile exactly once, in order per chat, and the console reads sent', async () => {
      const chats = await visitors()
      for (const fake of fakes()) await fake.down(mode)
      const sendsBefore = {
        telegram: telegram.callsOf('sendMessage').length,
        vk: vk.callsOf('messages.send').length,
        viber: viber.callsOf('send_message').length,
      }
      expect(sendsBefore).toEqual({ telegram: 0, vk: 0, viber: 0 })

      // Operators answer all four chats, three replies each, interleaved.
      const written = new Map<string, string[]>()
      for (const round of [1, 2, 3]) {
        for (const [chat, conversationId] of Object.entries(chats)) {
          const text = `${chat} reply ${round}`
          operator.send({ t: 'send', cid: text, conversationId, text })
          await operator.next(ofType('ack', (f) => f.cid === text))
          written.set(chat, [...(written.get(chat) ?? []), text])
        }
      }
      await settle()
      await run(OUTAGE_MS)

      // A minute on: nothing reached anybody, nothing was given up, each chat's first reply was
      // tried again and again (a refused connection never reached the fake at all).
      expect(Object.values(received()).flat()).toEqual([])
      const sends = () =>
        telegram.callsOf('sendMessage').length +
        vk.callsOf('messages.send').length +
        viber.callsOf('send_message').length
      if (mode === 'refused') expect(sends()).toBe(0)
      else expect(sends()).toBeGreaterThanOrEqual(4 * 3)
      for (const conversationId of Object.values(chats)) {
        const [head, ...rest] = await deliveriesOf(conversationId)
        expect(head).toMatchObject({ state: 'pending', error: expect.any(String) })
        expect(head!.attempts).toBeGreaterThanOrEqual(3)
        // The later replies wait behind the first: none was tried out of turn.
        for (const row of rest) expect(row).toMatchObject({ state: 'pending', attempts: 0 })
      }

      // Back up: the next retry of each chat's head sends the line, one a second per chat.
      for (const fake of fakes()) await fake.up()
      await run(2 * 60_000)
      await relay.app.channels.worker.idle()

      expect(received()).toEqual(Object.fromEntries(written))
      for (const conversationId of Object.values(chats)) {
        const rows = await deliveriesOf(conversationId)
        expect(rows.map((r) => [r.state, r.error])).toEqual([
          ['sent', null],
          ['sent', null],
          ['sent', null],
        ])
        // The console was told: each message's last delivery frame says sent.
        for (const row of rows) {
          const sent = (f: Frame) =>
            f.delivery.eventId === row.eventId && f.delivery.state === 'sent'
          await operator.next(ofType('delivery', sent))
          const latest = operator.frames
            .filter(ofType('delivery', (f) => f.delivery.eventId === row.eventId))
            .at(-1)
          expect(latest).toMatchObject({ conversationId, delivery: { state: 'sent' } })
        }
      }
      // Nothing more is sent however long the relay runs on.
      const total = sends()
      await run(30_000)
      clock.advance(60 * 60_000)
      await relay.app.channels.worker.idle()
      expect(sends()).toBe(total)
    }, 60_000)
  },
)
