import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CONSENT, TEMPLATE } from '../../testing/forms.ts'
import { manualClock } from '../../testing/manual-clock.ts'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'
import { startSmtpSink } from '../../testing/smtp-sink.ts'
import { ofType, type TestSocket } from '../../testing/ws-client.ts'

let smtp: Awaited<ReturnType<typeof startSmtpSink>>
let relay: TestRelay
let clock: ReturnType<typeof manualClock>
let operator: TestSocket

beforeEach(async () => {
  smtp = await startSmtpSink()
  clock = manualClock(Date.UTC(2026, 11, 2, 9))
  relay = await injectRelay({
    sites: [{ id: 'shop', name: 'Chai Shop', agreement: TEMPLATE }],
    now: clock.now,
    timers: clock.timers,
    channels: { smtpUrl: smtp.url, smtpFrom: 'Chai Shop <shop@chai.example>', random: () => 0.5 },
  })
  ;({ socket: operator } = await relay.operator())
})
afterEach(async () => {
  await relay.close()
  await smtp.close()
})

/** A visitor leaves an offline message; the operator's socket sees its conversation. */
async function offlineLead(email?: string) {
  const { socket } = await relay.visitor()
  socket.send({
    t: 'offline',
    cid: 'o1',
    name: 'Anna',
    ...(email && { email }),
    phone: '+79161234567',
    text: 'Do you have oolong?',
    consent: CONSENT,
  })
  await socket.next(ofType('ack'))
  const { conversation } = await operator.next(
    ofType('conversation', (f) => f.conversation.kind === 'offline'),
  )
  return conversation
}

async function reply(conversationId: string, text: string, cid = 'r1') {
  operator.send({ t: 'send', cid, conversationId, text })
  const ack = await operator.next(ofType('ack', (f) => f.cid === cid))
  await relay.app.channels.worker.idle()
  return ack
}

describe('replies to offline leads by e-mail', () => {
  it("sends the operator's answer to the e-mail the lead left, and reports it sent", async () => {
    const lead = await offlineLead('anna@example.com')
    const ack = await reply(lead.id, 'Yes, Tieguanyin and Da Hong Pao.')
    expect(smtp.letters).toHaveLength(1)
    const [letter] = smtp.letters
    expect(letter!.to).toEqual(['anna@example.com'])
    expect(letter!.from).toBe('shop@chai.example')
    expect(letter!.raw).toContain('Subject: Re: your message to Chai Shop')
    expect(letter!.raw).toContain('Yes, Tieguanyin and Da Hong Pao.')
    expect(letter!.raw).toContain(`Message-ID: <${ack.id}@parley>`)
    const [row] = await relay.stores.channels.listOutbox(lead.id)
    expect(row).toMatchObject({ channel: 'email', state: 'sent', chatId: 'anna@example.com' })
  })

  it('sends nothing for a lead without an e-mail', async () => {
    const lead = await offlineLead()
    await reply(lead.id, 'We will call you.')
    expect(smtp.letters).toEqual([])
    expect(await relay.stores.channels.listOutbox(lead.id)).toEqual([])
  })

  it('retries a 4xx answer and gives up on a 5xx one', async () => {
    const lead = await offlineLead('anna@example.com')
    smtp.rejectNext(451)
    await reply(lead.id, 'First')
    expect(smtp.letters).toEqual([])
    clock.advance(2_000)
    await relay.app.channels.worker.idle()
    expect(smtp.letters.map((l) => l.raw.includes('First'))).toEqual([true])
    smtp.rejectNext(550)
    await reply(lead.id, 'Second', 'r2')
    clock.advance(60 * 60_000)
    await relay.app.channels.worker.idle()
    expect(smtp.letters).toHaveLength(1)
    const rows = await relay.stores.channels.listOutbox(lead.id)
    expect(rows.map((r) => r.state)).toEqual(['sent', 'failed'])
    expect(rows[1]!.error).toContain('550')
  })
})
