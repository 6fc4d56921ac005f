import { createVisitorClient, memoryStorage, withdrawConsent } from '@parley/client'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { CONSENT, TEMPLATE } from '../../testing/forms.ts'
import { type ListeningRelay, startRelay } from '../../testing/relay.ts'

let relay: ListeningRelay
afterEach(() => relay.close())

async function start() {
  relay = await startRelay({ sites: [{ id: 'shop', locale: 'ru', agreement: TEMPLATE }] })
}

function client(storage = memoryStorage()) {
  return {
    storage,
    client: createVisitorClient({ host: relay.url, site: 'shop', WebSocket, storage }),
  }
}

describe('the visitor client and the privacy tools', () => {
  it('shutdown ends the token on the relay, not only on the device', async () => {
    await start()
    const { client: visitor, storage } = client()
    await visitor.send('Log me out afterwards')
    const token = storage.getItem('parley:shop:token')!
    expect(token).toBeTruthy()
    visitor.shutdown()
    expect(storage.getItem('parley:shop:token')).toBeNull()
    // The relay handles the frame the client sent before closing: the token stops working.
    await expect
      .poll(async () => {
        const socket = await relay.socket('/v1/visitor?site=shop')
        socket.send({ t: 'hello', v: 1, token })
        const first = await socket.next((f) => f.t === 'welcome' || f.t === 'error')
        await socket.close()
        return first.t === 'error' ? first.code : first.t
      })
      .toBe('token_invalid')
  })

  it('withdrawConsent withdraws the visitor’s consents over HTTP with the stored token', async () => {
    await start()
    const { client: visitor, storage } = client()
    await visitor.submitCallback({
      name: 'Anna',
      phone: '+7 916 123-45-67',
      when: 'asap',
      consent: CONSENT,
    })
    const ack = await withdrawConsent({ host: relay.url, site: 'shop', storage, cid: 'w1' })
    expect(ack).toEqual({ t: 'ack', cid: 'w1', id: expect.any(String), at: expect.any(Number) })
    // The same cid is answered the same.
    expect(await withdrawConsent({ host: relay.url, site: 'shop', storage, cid: 'w1' })).toEqual(
      ack,
    )
    const cookie = await relay.login()
    const register = await relay.fetch('/v1/privacy/consents', { headers: { cookie } })
    const { consents } = (await register.json()) as { consents: { withdrawnBy: string }[] }
    expect(consents.map((c) => c.withdrawnBy)).toEqual(['visitor'])
    visitor.destroy()
  })

  it('withdrawConsent refuses without a token, or with one the relay refuses', async () => {
    await start()
    await expect(withdrawConsent({ host: relay.url, site: 'shop' })).rejects.toMatchObject({
      code: 'token_invalid',
    })
    await expect(
      withdrawConsent({ host: relay.url, site: 'shop', token: 'v_x.forged' }),
    ).rejects.toMatchObject({ code: 'token_invalid' })
  })
})
