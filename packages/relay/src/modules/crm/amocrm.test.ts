import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startFakeAmoCrm } from '../../testing/fake-amocrm.ts'
import { type AmoCrmConfig, amocrm } from './amocrm.ts'
import { leadEvent, NEVER } from './test-events.ts'

let account: Awaited<ReturnType<typeof startFakeAmoCrm>>
beforeEach(async () => {
  account = await startFakeAmoCrm()
})
afterEach(async () => {
  await account.close()
})

const connector = (config: Partial<AmoCrmConfig> = {}) =>
  amocrm.create(
    {
      baseUrl: account.baseUrl,
      accessToken: account.token,
      pipelineId: 7001,
      statusId: 142001,
      ...config,
    },
    { fetch },
  )

describe('amoCRM leads', () => {
  it('adds a lead in the chosen pipeline and stage with its contact embedded, and the transcript as a note', async () => {
    const event = leadEvent({ kind: 'offline', name: 'Boris', email: 'boris@example.com' })
    const attempt = await connector({ responsibleUserId: 31 }).deliver(event, NEVER)
    expect(attempt).toMatchObject({ ok: true, status: 200, retryable: false })
    expect(account.calls()).toEqual([
      'GET /api/v4/contacts',
      'GET /api/v4/contacts',
      'POST /api/v4/leads/complex',
      `POST /api/v4/leads/${account.leads[0]!.id}/notes`,
    ])
    expect(account.leads).toEqual([
      {
        id: expect.any(Number),
        name: 'Offline message: Boris (+79161234567)',
        pipeline_id: 7001,
        status_id: 142001,
        responsible_user_id: 31,
        contactId: account.contacts[0]!.id,
        tags: ['parley', 'offline'],
      },
    ])
    expect(account.contacts).toEqual([
      {
        id: expect.any(Number),
        name: 'Boris',
        custom_fields_values: [
          { field_code: 'PHONE', values: [{ value: '+79161234567', enum_code: 'WORK' }] },
          { field_code: 'EMAIL', values: [{ value: 'boris@example.com', enum_code: 'WORK' }] },
        ],
      },
    ])
    expect(account.notes).toHaveLength(1)
    expect(account.notes[0]!.text).toContain(event.data.consoleUrl as string)
    expect(account.notes[0]!.text).toContain('[12:00] Anna: Callback request')
  })

  it('links the contact the account has for a repeat phone or email instead of a second one', async () => {
    // The query is loose: a contact whose phone only contains the digits is not the same person.
    account.addContact('Someone else', { PHONE: '+79161234567 ext 5' })
    const existing = account.addContact('Anna K.', { PHONE: '+7 916 123-45-67' })
    await connector().deliver(leadEvent(), NEVER)
    expect(account.leads.map((l) => l.contactId)).toEqual([existing])
    const byEmail = account.addContact('Vera', { EMAIL: 'Vera@Example.com' })
    await connector().deliver(
      leadEvent({ phone: undefined, email: 'vera@example.com', kind: 'chat-contact' }),
      NEVER,
    )
    expect(account.leads.map((l) => l.contactId)).toEqual([existing, byEmail])
    expect(account.contacts).toHaveLength(3)
  })

  it('maps errors: a bad token and a validation error are final, the rate limit and 5xx are retried', async () => {
    const badToken = await connector({ accessToken: 'revoked' }).deliver(leadEvent(), NEVER)
    expect(badToken).toMatchObject({ ok: false, status: 401, retryable: false })
    expect(badToken.error).toContain('Unauthorized')

    const badStage = await connector({ statusId: 999 }).deliver(leadEvent(), NEVER)
    expect(badStage).toMatchObject({ ok: false, status: 400, retryable: false })
    expect(badStage.error).toContain('0.status_id: NotFound')
    expect(badStage.excerpt).toContain('validation-errors')

    account.failNext(429)
    expect(await connector().deliver(leadEvent(), NEVER)).toMatchObject({
      status: 429,
      retryable: true,
    })
    account.failNext(502, /complex/)
    expect(await connector().deliver(leadEvent(), NEVER)).toMatchObject({
      status: 502,
      retryable: true,
    })
    expect(account.leads).toEqual([])
  })

  it('gives up on the note of a lead it made rather than make the lead twice', async () => {
    account.failNext(429, /notes/)
    const attempt = await connector().deliver(leadEvent(), NEVER)
    expect(attempt).toMatchObject({ ok: false, status: 429, retryable: false })
    expect(attempt.error).toContain(`lead ${account.leads[0]!.id} created`)
    expect(account.leads).toHaveLength(1)
  })

  it('ignores other event types, sending nothing', async () => {
    expect(await connector().deliver(leadEvent({}, 'rating.created'), NEVER)).toMatchObject({
      ok: true,
    })
    expect(account.calls()).toEqual([])
  })

  it('refuses settings without a pipeline when the destination is made', () => {
    expect(() =>
      amocrm.create(
        { baseUrl: account.baseUrl, accessToken: 't', statusId: 1 } as unknown as AmoCrmConfig,
        { fetch },
      ),
    ).toThrow(/amocrm settings: \/pipelineId/)
  })
})
