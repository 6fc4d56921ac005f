import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Stores } from '../../stores.ts'
import { freshStores, type StoresFactory } from '../../testing/store-fixtures.ts'
import type { OutboxEvent } from './destination.ts'
import type { EndpointRecord, NewOutboxRow } from './store.ts'

const endpoint = (id: string, extra: Partial<EndpointRecord> = {}): EndpointRecord => ({
  id,
  kind: 'webhook',
  url: `https://hooks.example/${id}`,
  description: '',
  events: ['message.created'],
  active: true,
  secret: `whsec_${id}`,
  config: null,
  disabledReason: null,
  disabledAt: null,
  failingSince: null,
  deadInARow: 0,
  createdAt: 1,
  updatedAt: 1,
  ...extra,
})

const event = (
  id: string,
  conversationId: string | null,
  type = 'message.created',
): OutboxEvent => ({
  id,
  type: type as OutboxEvent['type'],
  timestamp: 5,
  conversationId,
  siteId: 'shop',
  data: { n: id },
})

const row = (endpointId: string, key: string, id: string, nextAt = 10): NewOutboxRow => ({
  endpointId,
  orderingKey: key,
  event: event(id, key),
  nextAt,
  createdAt: 10,
})

/** The contract every `WebhookStore` adapter must pass. */
export function describeWebhookStore(name: string, factory: StoresFactory): void {
  describe(`WebhookStore contract: ${name}`, () => {
    let stores: Stores
    let tx: Awaited<ReturnType<typeof freshStores>>['tx']
    beforeEach(async () => {
      ;({ stores, tx } = await freshStores(factory))
    })
    afterEach(() => stores.db.close())

    it('creates, lists, changes and deletes endpoints with their config', async () => {
      const { webhooks } = stores
      await tx((t) => webhooks.createEndpoint(t, endpoint('a', { createdAt: 1 })))
      await tx((t) =>
        webhooks.createEndpoint(
          t,
          endpoint('b', { createdAt: 2, kind: 'bitrix24', config: { portal: 'x', token: 's' } }),
        ),
      )
      expect(await webhooks.getEndpoint('b')).toEqual(
        endpoint('b', { createdAt: 2, kind: 'bitrix24', config: { portal: 'x', token: 's' } }),
      )
      expect((await webhooks.listEndpoints()).map((e) => e.id)).toEqual(['a', 'b'])
      const changed = await tx((t) =>
        webhooks.updateEndpoint(t, 'a', {
          active: false,
          disabledReason: 'why',
          disabledAt: 7,
          events: ['conversation.closed'],
          updatedAt: 7,
        }),
      )
      expect(changed).toEqual(
        endpoint('a', {
          active: false,
          disabledReason: 'why',
          disabledAt: 7,
          events: ['conversation.closed'],
          updatedAt: 7,
        }),
      )
      expect(await webhooks.getEndpoint('a')).toEqual(changed)
      expect(await tx((t) => webhooks.updateEndpoint(t, 'nope', { updatedAt: 1 }))).toBeUndefined()
      expect(await tx((t) => webhooks.deleteEndpoint(t, 'a'))).toBe(true)
      expect(await tx((t) => webhooks.deleteEndpoint(t, 'a'))).toBe(false)
      expect(await webhooks.getEndpoint('a')).toBeUndefined()
    })

    it('hands out the oldest pending row per endpoint and key, due ones only, soonest first', async () => {
      const { webhooks } = stores
      await tx((t) => webhooks.createEndpoint(t, endpoint('a')))
      await tx((t) => webhooks.createEndpoint(t, endpoint('off', { active: false })))
      const seqs = await tx((t) =>
        webhooks.enqueue(t, [
          row('a', 'c1', 'm1'),
          row('a', 'c1', 'm2'),
          row('a', 'c2', 'm3', 20),
          row('off', 'c1', 'm4'),
          { ...row('off', 'test:1', 't1'), event: event('t1', null, 'webhook.test') },
        ]),
      )
      expect(seqs).toHaveLength(5)
      expect(seqs[1]! > seqs[0]!).toBe(true)
      const heads = (now: number) =>
        webhooks.dueHeads(now, 10).then((r) => r.map((x) => x.event.id))
      // An inactive endpoint gets only its test events.
      expect(await heads(10)).toEqual(['m1', 't1'])
      expect(await heads(20)).toEqual(['m1', 't1', 'm3'])
      expect(await webhooks.nextDue()).toBe(10)
      const [m1] = await webhooks.dueHeads(10, 1)
      expect(m1).toMatchObject({
        endpointId: 'a',
        orderingKey: 'c1',
        state: 'pending',
        attempts: 0,
        event: event('m1', 'c1'),
      })

      await tx((t) =>
        webhooks.recordAttempt(
          t,
          m1!.seq,
          {
            at: 11,
            ok: false,
            status: 503,
            latencyMs: 4,
            excerpt: 'busy',
            retryable: true,
            error: 'HTTP 503',
          },
          { state: 'pending', attempts: 1, nextAt: 30 },
        ),
      )
      // m1 waits until 30, and m2 waits behind it.
      expect(await heads(20)).toEqual(['t1', 'm3'])
      await tx((t) =>
        webhooks.recordAttempt(
          t,
          m1!.seq,
          { at: 30, ok: true, status: 200, latencyMs: 3, excerpt: '', retryable: false },
          { state: 'delivered', attempts: 2, nextAt: 30 },
        ),
      )
      expect(await heads(30)).toEqual(['m2', 't1', 'm3'])
      const log = await webhooks.getDelivery('a', m1!.seq)
      expect(log).toMatchObject({ state: 'delivered', attempts: 2 })
      expect(log!.log).toEqual([
        {
          at: 11,
          ok: false,
          status: 503,
          latencyMs: 4,
          excerpt: 'busy',
          retryable: true,
          error: 'HTTP 503',
        },
        { at: 30, ok: true, status: 200, latencyMs: 3, excerpt: '', retryable: false },
      ])
      expect((await webhooks.listDeliveries('a', 10)).map((d) => d.event.id)).toEqual([
        'm3',
        'm2',
        'm1',
      ])
      expect(await webhooks.getDelivery('off', m1!.seq)).toBeUndefined()
      expect(await webhooks.countByState()).toEqual({ pending: 4, delivered: 1, dead: 0 })
      expect(await webhooks.countByState('a')).toEqual({ pending: 2, delivered: 1, dead: 0 })
    })

    it('makes waiting rows due again, and deletes an endpoint with its rows and attempts', async () => {
      const { webhooks } = stores
      await tx((t) => webhooks.createEndpoint(t, endpoint('a')))
      const [seq] = await tx((t) => webhooks.enqueue(t, [row('a', 'c1', 'm1', 500)]))
      expect(await webhooks.dueHeads(100, 10)).toEqual([])
      await tx((t) => webhooks.retryPendingNow(t, 'a', 100))
      expect((await webhooks.dueHeads(100, 10)).map((r) => r.seq)).toEqual([seq])
      await tx((t) =>
        webhooks.recordAttempt(
          t,
          seq!,
          { at: 100, ok: false, status: null, latencyMs: 1, excerpt: '', retryable: true },
          { state: 'dead', attempts: 1, nextAt: 100 },
        ),
      )
      expect(await webhooks.nextDue()).toBeNull()
      await tx((t) => webhooks.deleteEndpoint(t, 'a'))
      expect(await webhooks.countByState()).toEqual({ pending: 0, delivered: 0, dead: 0 })
    })

    it('keeps nothing of an enqueue whose transaction fails', async () => {
      const { webhooks } = stores
      await tx((t) => webhooks.createEndpoint(t, endpoint('a')))
      await expect(
        tx(async (t) => {
          await webhooks.enqueue(t, [row('a', 'c1', 'm1')])
          throw new Error('the change failed')
        }),
      ).rejects.toThrow('the change failed')
      expect(await webhooks.listDeliveries('a', 10)).toEqual([])
    })
  })
}
