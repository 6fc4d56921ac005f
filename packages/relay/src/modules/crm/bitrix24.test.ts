import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startFakeBitrix24 } from '../../testing/fake-bitrix24.ts'
import { bitrix24 } from './bitrix24.ts'
import { leadEvent, NEVER } from './test-events.ts'

let portal: Awaited<ReturnType<typeof startFakeBitrix24>>
beforeEach(async () => {
  portal = await startFakeBitrix24()
})
afterEach(async () => {
  await portal.close()
})

const connector = (webhookUrl = portal.webhookUrl) => bitrix24.create({ webhookUrl }, { fetch })

describe('Bitrix24 leads', () => {
  it('adds a lead with title, name, phone and email multi-fields, source and the transcript in comments', async () => {
    const event = leadEvent({ email: 'anna@example.com' })
    const attempt = await connector().deliver(event, NEVER)
    expect(attempt).toMatchObject({ ok: true, status: 200, retryable: false })
    expect(portal.calls().map((c) => c.method)).toEqual([
      'crm.duplicate.findbycomm',
      'crm.duplicate.findbycomm',
      'crm.lead.add',
    ])
    expect(portal.calls()[0]!.body).toEqual({
      entity_type: 'LEAD',
      type: 'PHONE',
      values: ['+79161234567'],
    })
    expect([...portal.leads.values()]).toEqual([
      expect.objectContaining({
        TITLE: 'Callback request: Anna (+79161234567)',
        NAME: 'Anna',
        PHONE: [{ VALUE: '+79161234567', VALUE_TYPE: 'WORK' }],
        EMAIL: [{ VALUE: 'anna@example.com', VALUE_TYPE: 'WORK' }],
        SOURCE_ID: 'WEB',
        SOURCE_DESCRIPTION: 'Parley: callback on shop',
      }),
    ])
    const comments = [...portal.leads.values()][0]!.COMMENTS!
    expect(comments).toContain('Message: After six, please')
    expect(comments).toContain(
      `Conversation: https://chat.shop.example/console/#conversation=${event.conversationId}`,
    )
    expect(comments).toContain('[12:00] Anna: Callback request')
    expect(attempt.excerpt).toContain('lead 1 created')
  })

  it('updates the lead a repeat contact already has, appending the comment once', async () => {
    const destination = connector()
    await destination.deliver(leadEvent({ transcript: 'first chat' }), NEVER)
    const again = leadEvent({
      kind: 'offline',
      transcript: 'second chat',
      message: 'Still want it',
    })
    expect(await destination.deliver(again, NEVER)).toMatchObject({ ok: true, status: 200 })
    expect(portal.leads.size).toBe(1)
    expect(
      portal
        .calls()
        .slice(-3)
        .map((c) => c.method),
    ).toEqual(['crm.duplicate.findbycomm', 'crm.lead.get', 'crm.lead.update'])
    const comments = portal.leads.get(1)!.COMMENTS!
    expect(comments.indexOf('first chat')).toBeLessThan(comments.indexOf('second chat'))
    // The outbox retries an event it did not hear back about: it is not written twice.
    expect(await destination.deliver(again, NEVER)).toMatchObject({ ok: true })
    expect(portal.leads.get(1)!.COMMENTS!.split('second chat').length).toBe(2)
  })

  it('finds a repeat contact by email when there is no phone', async () => {
    const destination = connector()
    await destination.deliver(
      leadEvent({ phone: undefined, email: 'boris@example.com', kind: 'offline' }),
      NEVER,
    )
    await destination.deliver(
      leadEvent({ phone: undefined, email: 'boris@example.com', kind: 'offline' }),
      NEVER,
    )
    expect(portal.leads.size).toBe(1)
    expect(portal.calls().filter((c) => c.method === 'crm.lead.add')).toHaveLength(1)
  })

  it('maps errors: the query limit is retried, a wrong webhook is not, a portal that does not answer is', async () => {
    portal.failNext('QUERY_LIMIT_EXCEEDED')
    const limited = await connector().deliver(leadEvent(), NEVER)
    expect(limited).toMatchObject({ ok: false, status: 503, retryable: true })
    expect(limited.error).toContain('QUERY_LIMIT_EXCEEDED')
    expect(limited.excerpt).toContain('"error":"QUERY_LIMIT_EXCEEDED"')

    const wrong = await connector(portal.webhookUrl.replace('k3y5ecr3t', 'wrongcode')).deliver(
      leadEvent(),
      NEVER,
    )
    expect(wrong).toMatchObject({ ok: false, status: 401, retryable: false })
    expect(wrong.error).toContain('INVALID_CREDENTIALS')

    portal.failNext('INTERNAL_SERVER_ERROR')
    expect(await connector().deliver(leadEvent(), NEVER)).toMatchObject({
      status: 500,
      retryable: true,
    })

    const origin = portal.origin
    await portal.close()
    const down = await bitrix24
      .create({ webhookUrl: `${origin}/rest/1/x/` }, { fetch })
      .deliver(leadEvent(), NEVER)
    expect(down).toMatchObject({ ok: false, status: null, retryable: true })
    portal = await startFakeBitrix24()
    expect(portal.leads.size).toBe(0)
  })

  it('ignores other event types and refuses a lead.created without a lead, sending nothing', async () => {
    expect(await connector().deliver(leadEvent({}, 'message.created'), NEVER)).toMatchObject({
      ok: true,
      retryable: false,
    })
    const broken = { ...leadEvent(), data: { kind: 'callback' } }
    const refused = await connector().deliver(broken, NEVER)
    expect(refused).toMatchObject({ ok: false, retryable: false })
    expect(refused.error).toContain('not a lead')
    expect(portal.calls()).toEqual([])
  })

  it('refuses settings that are not an incoming webhook when the destination is made', () => {
    expect(() =>
      bitrix24.create({ webhookUrl: 'https://portal.bitrix24.ru/crm/lead/' }, { fetch }),
    ).toThrow(/bitrix24 settings: \/webhookUrl/)
  })
})
