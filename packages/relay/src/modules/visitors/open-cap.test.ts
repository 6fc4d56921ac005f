import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FORM_SITES, storedFor } from '../../testing/forms.ts'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'
import { ofType } from '../../testing/ws-client.ts'

let relay: TestRelay
beforeEach(async () => {
  relay = await injectRelay({ sites: FORM_SITES, maxOpenConversationsPerVisitor: 3 })
})
afterEach(async () => {
  await relay.close()
})

describe('open conversations per visitor', () => {
  it('refuses a callback past the cap with too_many_conversations and stores nothing', async () => {
    const { socket, welcome } = await relay.visitor()
    const config = await (await relay.fetch('/v1/sites/shop/config')).json()
    const callback = (cid: string) => ({
      t: 'callback',
      cid,
      name: 'Anna',
      phone: '+79161234567',
      when: 'asap',
      consent: { version: config.agreement.version },
    })
    for (const cid of ['cb1', 'cb2', 'cb3']) {
      socket.send(callback(cid))
      await socket.next(ofType('ack', (f) => f.cid === cid))
    }
    socket.send(callback('cb4'))
    expect(await socket.next(ofType('error', (f) => f.cid === 'cb4'))).toMatchObject({
      code: 'too_many_conversations',
    })
    expect((await storedFor(relay, welcome.visitorId)).conversations).toHaveLength(3)
  })

  it('still takes messages into an open chat at the cap, and a new chat once one is closed', async () => {
    const { socket, welcome } = await relay.visitor()
    const config = await (await relay.fetch('/v1/sites/shop/config')).json()
    socket.send({ t: 'send', cid: 'm1', text: 'hello' })
    const chat = await socket.next(ofType('ack', (f) => f.cid === 'm1'))
    for (const cid of ['cb1', 'cb2']) {
      socket.send({
        t: 'callback',
        cid,
        name: 'Anna',
        phone: '+79161234567',
        when: 'asap',
        consent: { version: config.agreement.version },
      })
      await socket.next(ofType('ack', (f) => f.cid === cid))
    }
    socket.send({ t: 'send', cid: 'm2', text: 'still here' })
    expect(await socket.next(ofType('ack', (f) => f.cid === 'm2'))).toMatchObject({
      conversationId: chat.conversationId,
      seq: 2,
    })
    const { socket: operator } = await relay.operator()
    operator.send({ t: 'close', cid: 'x1', conversationId: chat.conversationId })
    await operator.next(ofType('ack', (f) => f.cid === 'x1'))
    socket.send({ t: 'send', cid: 'm3', text: 'a new question' })
    const fresh = await socket.next(ofType('ack', (f) => f.cid === 'm3'))
    expect(fresh.conversationId).not.toBe(chat.conversationId)
    expect((await storedFor(relay, welcome.visitorId)).conversations).toHaveLength(4)
  })

  it('puts a message after a callback into a chat of its own, not into the callback', async () => {
    const { socket } = await relay.visitor()
    const config = await (await relay.fetch('/v1/sites/shop/config')).json()
    socket.send({
      t: 'callback',
      cid: 'cb1',
      name: 'Anna',
      phone: '+79161234567',
      when: 'asap',
      consent: { version: config.agreement.version },
    })
    const form = await socket.next(ofType('ack', (f) => f.cid === 'cb1'))
    socket.send({ t: 'send', cid: 'm1', text: 'and a question' })
    const message = await socket.next(ofType('ack', (f) => f.cid === 'm1'))
    expect(message.conversationId).not.toBe(form.conversationId)
    expect(message.seq).toBe(1)
    expect(await relay.app.conversations.get(message.conversationId)).toMatchObject({
      kind: 'chat',
    })
  })
})
