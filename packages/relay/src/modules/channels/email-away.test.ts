import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { resolveConfig } from '../../config/config.ts'
import { CONSENT, TEMPLATE } from '../../testing/forms.ts'
import { manualClock } from '../../testing/manual-clock.ts'
import { createTestDatabase } from '../../testing/postgres.ts'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'
import { startSmtpSink } from '../../testing/smtp-sink.ts'
import { ofType, type TestSocket } from '../../testing/ws-client.ts'

const MINUTE = 60_000

let smtp: Awaited<ReturnType<typeof startSmtpSink>>
let relay: TestRelay
let clock: ReturnType<typeof manualClock>
let operator: TestSocket

/** A relay on an in-memory SQLite database, or on this PostgreSQL one. */
const start = (databaseUrl?: string) =>
  injectRelay({
    ...(databaseUrl && { databaseUrl }),
    sites: [{ id: 'shop', name: 'Chai Shop', agreement: TEMPLATE }],
    now: clock.now,
    timers: clock.timers,
    // The sockets stay open however far the clock moves; leaving is closing them.
    idleTimeoutMs: 24 * 60 * MINUTE,
    channels: {
      smtpUrl: smtp.url,
      smtpFrom: 'Chai Shop <shop@chai.example>',
      emailAwayMinutes: 5,
      random: () => 0.5,
    },
  })

beforeEach(async () => {
  smtp = await startSmtpSink()
  clock = manualClock(Date.UTC(2026, 11, 2, 9))
  relay = await start()
  ;({ socket: operator } = await relay.operator())
})
afterEach(async () => {
  await relay.close()
  await smtp.close()
})

/** A visitor who chats on the site, having given their e-mail in the pre-chat form (or not). */
async function siteChat(email?: string) {
  const visitor = await relay.visitor()
  if (email) {
    visitor.socket.send({ t: 'prechat', cid: 'p1', name: 'Anna', email, consent: CONSENT })
    await visitor.socket.next(ofType('ack', (f) => f.cid === 'p1'))
  }
  visitor.socket.send({ t: 'send', cid: 'm1', text: 'Do you have oolong?' })
  const { conversationId } = await visitor.socket.next(ofType('ack', (f) => f.cid === 'm1'))
  return { ...visitor, conversationId: conversationId as string }
}

async function reply(conversationId: string, text: string, cid = 'r1') {
  operator.send({ t: 'send', cid, conversationId, text })
  const ack = await operator.next(ofType('ack', (f) => f.cid === cid))
  await relay.app.channels.worker.idle()
  return ack
}

/** Moves the clock and lets the outbox do what became due. */
async function after(ms: number) {
  clock.advance(ms)
  await relay.app.channels.worker.idle()
}

describe('replies to site visitors who left, by e-mail', () => {
  it('e-mails a reply once the visitor has been off the site the set time, once, and says so', async () => {
    const chat = await siteChat('anna@example.com')
    const ack = await reply(chat.conversationId, 'Yes: Tieguanyin and Da Hong Pao.')
    // Still on the site: however long, no e-mail.
    await after(30 * MINUTE)
    expect(smtp.letters).toEqual([])
    await chat.socket.close()
    await after(5 * MINUTE - 1)
    expect(smtp.letters).toEqual([])
    await after(1)
    expect(smtp.letters).toHaveLength(1)
    const [letter] = smtp.letters
    expect(letter!.to).toEqual(['anna@example.com'])
    expect(letter!.raw).toContain('Yes: Tieguanyin and Da Hong Pao.')
    expect(letter!.raw).toContain(`Message-ID: <${ack.id}@parley>`)
    expect(await operator.next(ofType('delivery'))).toMatchObject({
      conversationId: chat.conversationId,
      delivery: { eventId: ack.id, channel: 'email', state: 'sent', attempts: 1 },
    })
    await after(24 * 60 * MINUTE)
    expect(smtp.letters).toHaveLength(1)
  })

  it('e-mails a reply to a visitor who left long before it without waiting again', async () => {
    const chat = await siteChat('anna@example.com')
    await chat.socket.close()
    await after(20 * MINUTE)
    await reply(chat.conversationId, 'Sorry for the wait')
    expect(smtp.letters.map((l) => l.to)).toEqual([['anna@example.com']])
  })

  it('sends nothing when the visitor comes back and reads it', async () => {
    const chat = await siteChat('anna@example.com')
    await chat.socket.close()
    const ack = await reply(chat.conversationId, 'Yes, we have oolong.')
    await after(3 * MINUTE)
    const back = await relay.visitor({
      token: chat.welcome.token,
      cursor: { [chat.conversationId]: 1 },
    })
    const event = await back.socket.next(ofType('event', (f) => f.id === ack.id))
    back.socket.send({ t: 'read', conversationId: chat.conversationId, seq: event.seq })
    await operator.next(ofType('read', (f) => f.author.kind === 'visitor'))
    await back.socket.close()
    await after(60 * MINUTE)
    expect(smtp.letters).toEqual([])
    const [row] = await relay.stores.channels.listOutbox(chat.conversationId)
    expect(row).toMatchObject({ channel: 'email', state: 'read', attempts: 0 })
  })

  it('waits again while the visitor is back but has not read it, and sends once they leave', async () => {
    const chat = await siteChat('anna@example.com')
    await chat.socket.close()
    await reply(chat.conversationId, 'Here is the price list.')
    await after(4 * MINUTE)
    const back = await relay.visitor({ token: chat.welcome.token })
    await after(20 * MINUTE)
    expect(smtp.letters).toEqual([])
    await back.socket.close()
    await after(5 * MINUTE)
    expect(smtp.letters).toHaveLength(1)
  })

  it('keeps a waiting e-mail across a restart and sends it once after', async () => {
    const database = await createTestDatabase()
    try {
      await relay.close()
      relay = await start(database.url)
      ;({ socket: operator } = await relay.operator())
      const chat = await siteChat('anna@example.com')
      await reply(chat.conversationId, 'Written before the restart')
      await relay.close()
      relay = await start(database.url)
      // This relay has not seen the visitor: away since the reply.
      await after(5 * MINUTE - 1)
      expect(smtp.letters).toEqual([])
      await after(1)
      await after(60 * MINUTE)
      expect(smtp.letters.map((l) => l.raw.includes('Written before the restart'))).toEqual([true])
    } finally {
      await relay.close()
      await database.drop()
    }
  })

  it('sends nothing to a site visitor who gave no e-mail', async () => {
    const chat = await siteChat()
    await chat.socket.close()
    await reply(chat.conversationId, 'Yes.')
    await after(60 * MINUTE)
    expect(smtp.letters).toEqual([])
    expect(await relay.stores.channels.listOutbox(chat.conversationId)).toEqual([])
  })
})

describe('the away time setting', () => {
  it('is 10 minutes unless set, and must be a positive number of minutes', () => {
    const databasePath = ':memory:'
    expect(resolveConfig({ databasePath }).channels.emailAwayMs).toBe(10 * MINUTE)
    const two = resolveConfig({ databasePath, channels: { emailAwayMinutes: 2 } })
    expect(two.channels.emailAwayMs).toBe(2 * MINUTE)
    expect(() => resolveConfig({ databasePath, channels: { emailAwayMinutes: 0 } })).toThrow(
      /emailAwayMinutes must be a positive number of minutes/,
    )
  })
})
