import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Stores } from '../../stores.ts'
import { freshStores, type StoresFactory, visitorSend } from '../../testing/store-fixtures.ts'

/** The contract every `PrivacyStore` adapter must pass. */
export function describePrivacyStore(name: string, factory: StoresFactory): void {
  describe(`PrivacyStore contract: ${name}`, () => {
    let stores: Stores
    let tx: Awaited<ReturnType<typeof freshStores>>['tx']
    beforeEach(async () => {
      ;({ stores, tx } = await freshStores(factory))
    })
    afterEach(() => stores.db.close())

    /** Visitor `id` of shop with a profile, one message and a consent at `at`. */
    async function seed(id: string, at: number, contact: { email: string; phone: string }) {
      await tx(async (t) => {
        await stores.visitors.applyPatch(
          t,
          { siteId: 'shop', visitorId: id, contact: { name: id.toUpperCase(), ...contact } },
          at,
        )
        const { event } = await stores.conversations.append(t, {
          ...visitorSend(id, `m-${id}`, `text of ${id}`),
          at,
        })
        await stores.visitors.addConsent(t, {
          id: `k-${id}`,
          siteId: 'shop',
          visitorId: id,
          agreementVersion: 'v1',
          form: 'callback',
          ip: '10.0.0.1',
          at,
          eventId: event.id,
        })
      })
    }

    it('keeps the first text of an agreement version', async () => {
      const { privacy } = stores
      await tx((t) => privacy.recordAgreement(t, 'shop', 'v1', 'first', 10))
      await tx((t) => privacy.recordAgreement(t, 'shop', 'v1', 'second', 20))
      expect(await privacy.getAgreement('shop', 'v1')).toEqual({ text: 'first', firstSeenAt: 10 })
      expect(await privacy.getAgreement('shop', 'v2')).toBeUndefined()
    })

    it('lists consents newest first, filtered and paged, and records withdrawals once', async () => {
      const { privacy } = stores
      await seed('va', 100, { email: 'a@x.example', phone: '+79160000001' })
      await seed('vb', 200, { email: 'b@x.example', phone: '+79160000002' })
      const ids = (list: { id: string }[]) => list.map((c) => c.id)
      expect(ids(await privacy.listConsents({}, 10))).toEqual(['k-vb', 'k-va'])
      expect(ids(await privacy.listConsents({}, 10, { at: 200, id: 'k-vb' }))).toEqual(['k-va'])
      expect(ids(await privacy.listConsents({ email: 'a@x.example' }, 10))).toEqual(['k-va'])
      expect(ids(await privacy.listConsents({ phoneDigits: '79160000002' }, 10))).toEqual(['k-vb'])
      expect(ids(await privacy.listConsents({ from: 150, to: 201 }, 10))).toEqual(['k-vb'])
      expect(ids(await privacy.listConsents({ visitorId: 'va', siteId: 'shop' }, 10))).toEqual([
        'k-va',
      ])
      const withdrawn = await tx((t) => privacy.withdrawConsent(t, 'k-va', 'admin', 300))
      expect(withdrawn).toMatchObject({ withdrawnAt: 300, withdrawnBy: 'admin', erased: false })
      expect(await tx((t) => privacy.withdrawAll(t, 'shop', 'va', 'visitor', 400))).toBe(0)
      expect(await tx((t) => privacy.withdrawAll(t, 'shop', 'vb', 'visitor', 400))).toBe(1)
      expect(await privacy.getConsent('k-va')).toMatchObject({ withdrawnAt: 300 })
      expect(await tx((t) => privacy.withdrawConsent(t, 'none', 'admin', 1))).toBeUndefined()
    })

    it('finds subjects by id or contact and erases one, leaving the other as it was', async () => {
      const { privacy } = stores
      await seed('va', 100, { email: 'a@x.example', phone: '+79160000001' })
      await seed('vb', 200, { email: 'b@x.example', phone: '+79160000002' })
      expect(await privacy.findSubjects({ phoneDigits: '79160000001' })).toEqual([
        {
          visitorId: 'va',
          siteId: 'shop',
          name: 'VA',
          email: 'a@x.example',
          phone: '+79160000001',
          firstSeenAt: 100,
          lastSeenAt: 100,
          conversations: 1,
          consents: 1,
        },
      ])
      const otherBefore = await privacy.subjectRows('shop', 'vb')
      const rows = await privacy.subjectRows('shop', 'va')
      expect(Object.keys(rows).sort()).toEqual(['consents', 'conversations', 'events', 'visitors'])
      const counts = await tx((t) => privacy.eraseSubject(t, 'shop', 'va', 500, '[x]'))
      expect(counts).toMatchObject({ visitors: 1, consents: 1, conversations: 1, events: 1 })
      const after = await privacy.subjectRows('shop', 'va')
      expect(after.visitors).toBeUndefined()
      expect(after.events).toEqual([expect.objectContaining({ text: '[x]', data: null })])
      expect(after.consents).toEqual([expect.objectContaining({ ip: null, erased: 1 })])
      expect(after.visitor_token_revocations).toEqual([
        { site_id: 'shop', visitor_id: 'va', valid_after: 500 },
      ])
      expect(await privacy.tokensValidAfter('shop', 'va')).toBe(500)
      expect(await privacy.findSubjects({ email: 'a@x.example' })).toEqual([])
      expect(await privacy.subjectRows('shop', 'vb')).toEqual(otherBefore)
    })

    it('exports the files of their conversations with the bytes in base64, and erases them', async () => {
      const { privacy, attachments } = stores
      await seed('va', 100, { email: 'a@x.example', phone: '+79160000001' })
      await seed('vb', 100, { email: 'b@x.example', phone: '+79160000002' })
      const file = (visitor: string) => ({
        id: `a-${visitor}`,
        siteId: 'shop',
        eventId: `e-${visitor}`,
        name: `${visitor}.png`,
        contentType: 'image/png' as const,
        size: 4,
        data: Buffer.from([0x89, 0x50, 0x00, 0xff]),
        createdAt: 100,
      })
      for (const visitor of ['va', 'vb']) {
        const [conversation] = await stores.conversations.listForVisitor('shop', visitor, 1)
        await tx((t) => attachments.put(t, { ...file(visitor), conversationId: conversation!.id }))
      }
      const rows = await privacy.subjectRows('shop', 'va')
      expect(rows.attachments).toEqual([
        expect.objectContaining({ id: 'a-va', name: 'va.png', size: 4, data: 'iVAA/w==' }),
      ])
      const counts = await tx((t) => privacy.eraseSubject(t, 'shop', 'va', 200, '[x]'))
      expect(counts.attachments).toBe(1)
      expect(await attachments.get('a-va')).toBeUndefined()
      expect((await attachments.get('a-vb'))?.name).toBe('vb.png')
    })

    it('picks what retention erases by last activity, and drops old engagements', async () => {
      const { privacy } = stores
      await seed('va', 100, { email: 'a@x.example', phone: '+79160000001' })
      await seed('vb', 300, { email: 'b@x.example', phone: '+79160000002' })
      expect(await privacy.visitorsBefore('shop', 200)).toEqual(['va'])
      const [old] = await privacy.conversationsBefore('shop', 200)
      expect(old).toBeDefined()
      await tx((t) => privacy.eraseConversations(t, [old!], 400, '[x]'))
      expect(await privacy.conversationsBefore('shop', 200)).toEqual([])
      // An erased conversation is left out of every list and marked when read by id.
      expect((await stores.conversations.list(10)).map((c) => c.id)).not.toContain(old)
      expect(await stores.conversations.listForVisitor('shop', 'va', 10)).toEqual([])
      expect(await stores.conversations.get(old!)).toMatchObject({
        erased: true,
        status: 'closed',
      })
      expect((await stores.conversations.get(old!))?.lastText).toBeUndefined()
      expect(await tx((t) => privacy.dropEngagementsBefore(t, 'shop', 1000))).toBe(0)
    })

    it('keeps the latest revocation, retention per site and the audit log newest first', async () => {
      const { privacy } = stores
      expect(await privacy.tokensValidAfter('shop', 'va')).toBe(0)
      await tx((t) => privacy.revokeTokens(t, 'shop', 'va', 50))
      await tx((t) => privacy.revokeTokens(t, 'shop', 'va', 40))
      expect(await privacy.tokensValidAfter('shop', 'va')).toBe(50)

      expect(await privacy.getRetention('shop')).toBeUndefined()
      const retention = { conversationsDays: 30, visitorsDays: null, engagementsDays: 7 }
      await tx((t) => privacy.putRetention(t, 'shop', retention, 1))
      expect(await privacy.getRetention('shop')).toEqual(retention)
      expect(await privacy.retentionSites()).toEqual([{ siteId: 'shop', retention }])
      const none = { conversationsDays: null, visitorsDays: null, engagementsDays: null }
      await tx((t) => privacy.putRetention(t, 'shop', none, 2))
      expect(await privacy.retentionSites()).toEqual([])

      for (const [id, at] of [
        ['a1', 10],
        ['a2', 20],
        ['a3', 20],
      ] as const) {
        await tx((t) =>
          privacy.addAudit(t, {
            id,
            at,
            actorId: null,
            actorName: null,
            action: 'export',
            siteId: 'shop',
            subject: 'va',
            reason: null,
            details: { n: at },
          }),
        )
      }
      const list = await privacy.listAudit(2)
      expect(list.map((e) => e.id)).toEqual(['a3', 'a2'])
      expect(list[0]).toMatchObject({ details: { n: 20 }, action: 'export' })
      expect((await privacy.listAudit(2, { at: 20, id: 'a2' })).map((e) => e.id)).toEqual(['a1'])
    })
  })
}
