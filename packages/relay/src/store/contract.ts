import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AppendInput, Store, VisitorPatch } from './types.ts'

const SITE = {
  config: {
    siteId: 'shop',
    name: 'Shop',
    configVersion: 'v1',
    locale: 'en' as const,
    storage: 'consent' as const,
    theme: { accent: '#000', position: 'right' as const },
    chat: { title: 'Chat', greeting: 'Hi' },
    button: { label: 'Chat', position: 'right' as const, offsetX: 20, offsetY: 20, color: '#000' },
    channels: { chat: true, callback: true, telegram: 'shop_bot' },
    workingHours: null,
    prechat: { enabled: false, fields: ['name' as const] },
    agreement: { version: '0123456789abcdef', url: '/v1/sites/shop/agreement' },
    identityVerification: 'off' as const,
  },
  origins: ['https://shop.example'],
  agreementTemplate: {
    company: 'Shop LLC',
    inn: '7707083893',
    legalAddress: 'Moscow',
    email: 'a@shop.example',
    siteUrl: 'https://shop.example',
  },
  identitySecret: 'secret-secret-secret',
}

let counter = 0
function visitorSend(visitorId: string, cid: string, text: string, target?: string): AppendInput {
  counter++
  return {
    id: `e${counter}`,
    cid,
    authorKey: `visitor:shop:${visitorId}`,
    author: { kind: 'visitor', id: visitorId },
    kind: 'message',
    text,
    at: 1000 + counter,
    target: target
      ? { conversationId: target }
      : { open: { siteId: 'shop', visitorId, page: 'https://shop.example/' } },
    newConversationId: `c${counter}`,
  }
}

/**
 * The contract every `Store` adapter must pass. Call it from the adapter's test
 * file with a factory that returns a fresh, empty, migrated store.
 */
export function describeStore(name: string, factory: () => Promise<Store> | Store): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store
    beforeEach(async () => {
      store = await factory()
      await store.putSite(SITE)
    })
    afterEach(async () => {
      await store.close()
    })

    it('keeps settings', async () => {
      expect(await store.getSetting('secret')).toBeUndefined()
      await store.setSetting('secret', 'a')
      await store.setSetting('secret', 'b')
      expect(await store.getSetting('secret')).toBe('b')
    })

    it('stores and replaces sites', async () => {
      expect(await store.getSite('shop')).toEqual(SITE)
      const changed = { ...SITE, config: { ...SITE.config, name: 'Shop 2', configVersion: 'v2' } }
      await store.putSite(changed)
      expect(await store.getSite('shop')).toEqual(changed)
      expect(await store.getSite('missing')).toBeUndefined()
    })

    it('creates employees and refuses a taken email in any case', async () => {
      const employee = {
        id: 'u1',
        email: 'Ann@example.com',
        name: 'Ann',
        role: 'operator' as const,
        passwordHash: 'h',
        createdAt: 1,
      }
      await store.createEmployee(employee)
      expect(await store.getEmployee('u1')).toEqual(employee)
      expect(await store.getEmployeeByEmail('ann@example.com')).toEqual(employee)
      await expect(
        store.createEmployee({ ...employee, id: 'u2', email: 'ANN@example.com' }),
      ).rejects.toMatchObject({
        code: 'email_taken',
      })
      expect((await store.listEmployees()).map((e) => e.id)).toEqual(['u1'])
    })

    it('ends sessions when the password changes', async () => {
      await store.createEmployee({
        id: 'u1',
        email: 'a@x',
        name: 'A',
        role: 'admin',
        passwordHash: 'h',
        createdAt: 1,
      })
      await store.createSession('hash', { employeeId: 'u1', createdAt: 1, expiresAt: 99 })
      expect(await store.getSession('hash')).toEqual({ employeeId: 'u1', expiresAt: 99 })
      await store.setEmployeePassword('u1', 'h2')
      expect(await store.getSession('hash')).toBeUndefined()
      expect((await store.getEmployee('u1'))?.passwordHash).toBe('h2')
    })

    it('finds API tokens by hash only', async () => {
      await store.createEmployee({
        id: 'u1',
        email: 'a@x',
        name: 'A',
        role: 'admin',
        passwordHash: 'h',
        createdAt: 1,
      })
      await store.createApiToken({
        id: 't1',
        name: 'bot',
        tokenHash: 'th',
        employeeId: 'u1',
        createdAt: 1,
      })
      expect(await store.getApiToken('th')).toEqual({ id: 't1', employeeId: 'u1' })
      expect(await store.getApiToken('other')).toBeUndefined()
    })

    it('opens a conversation on the first send and numbers events from 1', async () => {
      const first = await store.appendEvent(visitorSend('v1', 'a', 'hello'))
      expect(first).toMatchObject({ duplicate: false, summaryChanged: true })
      expect(first.event).toMatchObject({
        seq: 1,
        text: 'hello',
        conversationId: first.conversation.id,
      })
      expect(first.conversation).toMatchObject({
        siteId: 'shop',
        visitorId: 'v1',
        status: 'open',
        lastSeq: 1,
        lastText: 'hello',
        page: 'https://shop.example/',
      })
      const second = await store.appendEvent(visitorSend('v1', 'b', 'again'))
      expect(second.conversation.id).toBe(first.conversation.id)
      expect(second).toMatchObject({ duplicate: false, summaryChanged: false, event: { seq: 2 } })
    })

    it('returns the stored event for a repeated cid and stores nothing', async () => {
      const first = await store.appendEvent(visitorSend('v1', 'same', 'hello'))
      const again = await store.appendEvent(visitorSend('v1', 'same', 'hello (retry)'))
      expect(again).toMatchObject({ duplicate: true, event: first.event })
      expect(await store.eventsAfter(first.conversation.id, 0, 10)).toEqual([first.event])
      expect(await store.findEventByCid('visitor:shop:v1', 'same')).toEqual(first.event)
    })

    it('scopes cids per author', async () => {
      const a = await store.appendEvent(visitorSend('v1', 'same', 'from v1'))
      const b = await store.appendEvent(visitorSend('v2', 'same', 'from v2'))
      expect(b.duplicate).toBe(false)
      expect(b.conversation.id).not.toBe(a.conversation.id)
    })

    it('assigns the first operator only and closes with an event', async () => {
      for (const id of ['ann', 'bob']) {
        await store.createEmployee({
          id,
          email: `${id}@x`,
          name: id.toUpperCase(),
          role: 'operator',
          passwordHash: 'h',
          createdAt: 1,
        })
      }
      const { conversation } = await store.appendEvent(visitorSend('v1', 'a', 'hi'))
      const reply = (cid: string, id: string) =>
        store.appendEvent({
          id: `${cid}-event`,
          cid,
          authorKey: `operator:${id}`,
          author: { kind: 'operator', id, name: id },
          kind: 'message',
          text: 'hello',
          at: 5000,
          target: { conversationId: conversation.id },
          newConversationId: 'unused',
          assign: { id, name: id.toUpperCase() },
        })
      const first = await reply('r1', 'ann')
      expect(first.summaryChanged).toBe(true)
      expect(first.conversation.operator).toEqual({ id: 'ann', name: 'ANN' })
      const second = await reply('r2', 'bob')
      expect(second.summaryChanged).toBe(false)
      expect(second.conversation.operator).toEqual({ id: 'ann', name: 'ANN' })

      const closed = await store.appendEvent({
        id: 'close-event',
        cid: 'close',
        authorKey: 'operator:ann',
        author: { kind: 'system' },
        kind: 'system',
        text: 'closed',
        at: 6000,
        target: { conversationId: conversation.id },
        newConversationId: 'unused',
        close: true,
      })
      expect(closed).toMatchObject({ summaryChanged: true, event: { seq: 4, kind: 'system' } })
      expect(closed.conversation).toMatchObject({
        status: 'closed',
        lastText: 'hello',
        updatedAt: 6000,
      })
      const next = await store.appendEvent(visitorSend('v1', 'b', 'new question'))
      expect(next.conversation.id).not.toBe(conversation.id)
    })

    it('refuses to append to a missing conversation', async () => {
      await expect(store.appendEvent(visitorSend('v1', 'a', 'hi', 'nope'))).rejects.toMatchObject({
        code: 'conversation_not_found',
      })
    })

    it('lists events after a seq with a limit, in order', async () => {
      const { conversation } = await store.appendEvent(visitorSend('v1', 'a', '1'))
      for (const text of ['2', '3', '4']) await store.appendEvent(visitorSend('v1', text, text))
      const after = await store.eventsAfter(conversation.id, 1, 2)
      expect(after.map((e) => [e.seq, e.text])).toEqual([
        [2, '2'],
        [3, '3'],
      ])
    })

    it('lists the latest events with a limit, in order', async () => {
      const { conversation } = await store.appendEvent(visitorSend('v1', 'a', '1'))
      for (const text of ['2', '3', '4']) await store.appendEvent(visitorSend('v1', text, text))
      const latest = await store.latestEvents(conversation.id, 2)
      expect(latest.map((e) => [e.seq, e.text])).toEqual([
        [3, '3'],
        [4, '4'],
      ])
      expect((await store.latestEvents(conversation.id, 10)).map((e) => e.seq)).toEqual([
        1, 2, 3, 4,
      ])
      expect(await store.latestEvents('nope', 10)).toEqual([])
    })

    it('lists conversations most recently updated first, per visitor and overall', async () => {
      const a = await store.appendEvent(visitorSend('v1', 'a', 'a'))
      const b = await store.appendEvent(visitorSend('v2', 'b', 'b'))
      expect((await store.listConversations(10)).map((c) => c.id)).toEqual([
        b.conversation.id,
        a.conversation.id,
      ])
      expect((await store.listVisitorConversations('shop', 'v1', 10)).map((c) => c.id)).toEqual([
        a.conversation.id,
      ])
      expect(await store.listVisitorConversations('other', 'v1', 10)).toEqual([])
      expect(await store.getConversation(a.conversation.id)).toEqual(a.conversation)
    })

    it('never moves a read marker backwards', async () => {
      const { conversation } = await store.appendEvent(visitorSend('v1', 'a', 'a'))
      expect(await store.markRead(conversation.id, 'operator:u1', 3, 1)).toBe(3)
      expect(await store.markRead(conversation.id, 'operator:u1', 2, 2)).toBe(3)
    })

    const consent = (id: string) => ({
      id,
      siteId: 'shop',
      visitorId: 'v1',
      agreementVersion: 'ver',
      form: 'callback' as const,
      ip: '10.0.0.1',
      at: 7,
    })
    const callback = (cid: string, extra: Partial<AppendInput> = {}): AppendInput => ({
      id: `form-${cid}`,
      cid,
      authorKey: 'visitor:shop:v1',
      author: { kind: 'visitor', id: 'v1' },
      kind: 'form',
      text: 'Callback request: Anna',
      data: { name: 'Anna', phone: '+79161234567' },
      at: 7,
      target: {
        create: {
          siteId: 'shop',
          visitorId: 'v1',
          kind: 'callback',
          contact: { name: 'Anna', phone: '+79161234567' },
        },
      },
      newConversationId: `conv-${cid}`,
      consent: consent(`k-${cid}`),
      profile: {
        siteId: 'shop',
        visitorId: 'v1',
        contact: { name: 'Anna', phone: '+79161234567' },
      },
      ...extra,
    })

    it('opens a form conversation with its event, consent and profile in one step', async () => {
      const chat = await store.appendEvent(visitorSend('v1', 'm', 'hello'))
      const result = await store.appendEvent(callback('cb'))
      expect(result.conversation.id).not.toBe(chat.conversation.id)
      expect(result.conversation).toMatchObject({
        kind: 'callback',
        visitorName: 'Anna',
        visitorPhone: '+79161234567',
        lastText: 'Callback request: Anna',
      })
      expect(await store.eventsAfter(result.conversation.id, 0, 10)).toEqual([result.event])
      expect(result.event.data).toEqual({ name: 'Anna', phone: '+79161234567' })
      expect(await store.listConsents('shop', 'v1')).toEqual([
        { ...consent('k-cb'), eventId: 'form-cb' },
      ])
      expect(await store.getVisitor('shop', 'v1')).toMatchObject({ name: 'Anna', verified: false })
      expect((await store.getConversation(chat.conversation.id))?.kind).toBe('chat')
    })

    it('stores nothing of a form whose profile change fails', async () => {
      await store.recordVisitorFrame({
        id: 'f1',
        cid: 'attrs',
        authorKey: 'visitor:shop:v1',
        at: 1,
        profile: { siteId: 'shop', visitorId: 'v1', attributes: { a: 1, b: 2 }, maxAttributes: 2 },
      })
      const failing = callback('cb', {
        profile: { siteId: 'shop', visitorId: 'v1', attributes: { c: 3 }, maxAttributes: 2 },
      })
      await expect(store.appendEvent(failing)).rejects.toMatchObject({ code: 'field_invalid' })
      expect(await store.listVisitorConversations('shop', 'v1', 10)).toEqual([])
      expect(await store.listConsents('shop', 'v1')).toEqual([])
      expect(await store.findEventByCid('visitor:shop:v1', 'cb')).toBeUndefined()
    })

    it('deduplicates profile frames by cid and merges attributes', async () => {
      const frame = (cid: string, attributes: Record<string, string | number | boolean>) =>
        store.recordVisitorFrame({
          id: `f-${cid}`,
          cid,
          authorKey: 'visitor:shop:v1',
          at: 3,
          profile: { siteId: 'shop', visitorId: 'v1', attributes },
        })
      expect(await frame('a', { plan: 'pro' })).toEqual({ id: 'f-a', at: 3, duplicate: false })
      expect(await frame('a', { plan: 'free' })).toEqual({ id: 'f-a', at: 3, duplicate: true })
      await frame('b', { seats: 2 })
      expect((await store.getVisitor('shop', 'v1'))?.attributes).toEqual({ plan: 'pro', seats: 2 })
      expect(await store.findVisitorFrame('visitor:shop:v1', 'a')).toEqual({ id: 'f-a', at: 3 })
      expect(await store.findVisitorFrame('visitor:shop:v2', 'a')).toBeUndefined()
    })

    it('keeps the newest contact and identity on the profile', async () => {
      const patch = (cid: string, profile: Partial<VisitorPatch>) =>
        store.recordVisitorFrame({
          id: cid,
          cid,
          authorKey: 'visitor:shop:v1',
          at: 4,
          profile: { siteId: 'shop', visitorId: 'v1', ...profile },
        })
      await patch('1', { contact: { name: 'Anna', email: 'a@x.example' } })
      await patch('2', { identity: { userId: 'u-1', verified: true }, contact: { name: 'Ann' } })
      await patch('3', { attributes: { x: true } })
      expect(await store.getVisitor('shop', 'v1')).toMatchObject({
        name: 'Ann',
        email: 'a@x.example',
        userId: 'u-1',
        verified: true,
        attributes: { x: true },
      })
    })

    it('sets a rating with its event and shows employee cards on summaries', async () => {
      await store.createEmployee({
        id: 'u1',
        email: 'olga@x',
        name: 'Olga',
        role: 'operator',
        passwordHash: 'h',
        createdAt: 1,
      })
      const { conversation } = await store.appendEvent(visitorSend('v1', 'a', 'hi'))
      await store.appendEvent({
        ...visitorSend('v1', 'b', 'x', conversation.id),
        authorKey: 'operator:u1',
        author: { kind: 'operator', id: 'u1', name: 'Olga' },
        assign: { id: 'u1', name: 'Olga' },
      })
      await store.updateEmployee('u1', { position: 'Support', photoUrl: 'https://x.example/o.png' })
      const rated = await store.appendEvent({
        ...visitorSend('v1', 'r', 'Rated 5/5', conversation.id),
        kind: 'system',
        rating: { rating: 5, comment: 'great' },
      })
      expect(rated.summaryChanged).toBe(true)
      expect(rated.conversation).toMatchObject({
        rating: 5,
        ratingComment: 'great',
        operator: {
          id: 'u1',
          name: 'Olga',
          position: 'Support',
          photoUrl: 'https://x.example/o.png',
        },
      })
      await store.updateEmployee('u1', { position: null })
      expect((await store.getEmployee('u1'))?.position).toBeUndefined()
      expect(await store.updateEmployee('nobody', { name: 'x' })).toBeUndefined()
    })
  })
}
