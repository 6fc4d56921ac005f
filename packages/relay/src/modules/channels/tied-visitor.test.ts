import type { ConversationSummary, VisitorCardReply } from '@parley/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type FakeTelegram, startFakeTelegram, telegramText } from '../../testing/fake-telegram.ts'
import { CONSENT, TEMPLATE } from '../../testing/forms.ts'
import { manualClock } from '../../testing/manual-clock.ts'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'
import { ofType, type TestSocket } from '../../testing/ws-client.ts'

const KEY = 'b'.repeat(64)
const TOKEN = '123:good'

let telegram: FakeTelegram
let relay: TestRelay
let cookie: string
let operator: TestSocket

async function api<T>(method: string, path: string, body?: unknown) {
  const response = await relay.fetch(path, {
    method,
    headers: { cookie, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  })
  return { status: response.status, body: (await response.json()) as T }
}

async function addBot(): Promise<{ id: string; webhookPath: string }> {
  const { status, body } = await api<{ contactPoint: { id: string; webhookPath: string } }>(
    'POST',
    '/v1/admin/contact-points',
    { kind: 'telegram', siteId: 'shop', name: 'Chai Shop bot', credentials: { token: TOKEN } },
  )
  expect(status).toBe(201)
  return body.contactPoint
}

function post(path: string, update: unknown) {
  return relay.fetch(path, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-telegram-bot-api-secret-token': telegram.webhook()!.secret!,
    },
    body: JSON.stringify(update),
  })
}

/** A visitor on the site who starts a chat; the operator sees it. */
async function siteChat() {
  const visitor = await relay.visitor()
  visitor.socket.send({ t: 'send', cid: 'm1', text: 'Is the brass samovar in stock?' })
  const ack = await visitor.socket.next(ofType('ack'))
  // The new chat, then routing giving it to the one operator online.
  await operator.next(ofType('conversation', (f) => f.conversation.id === ack.conversationId))
  const { conversation } = await operator.next(
    ofType('conversation', (f) => f.conversation.id === ack.conversationId),
  )
  expect(conversation.operator?.name).toBe('Admin')
  return { ...visitor, conversation }
}

/** The next summary of this conversation the operator is sent. */
const summaryOf = async (id: string): Promise<ConversationSummary> =>
  (await operator.next(ofType('conversation', (f) => f.conversation.id === id))).conversation

beforeEach(async () => {
  telegram = await startFakeTelegram({ tokens: [TOKEN] })
  const clock = manualClock(Date.UTC(2026, 11, 2, 9))
  relay = await injectRelay({
    sites: [{ id: 'shop', name: 'Chai Shop', agreement: TEMPLATE }],
    publicUrl: 'https://chat.example.com',
    now: clock.now,
    timers: clock.timers,
    channels: {
      secretKey: KEY,
      telegramApiRoot: telegram.apiRoot,
      random: () => 0.5,
      policy: { perChatIntervalMs: 0, perBotIntervalMs: 0 },
    },
  })
  cookie = await relay.login()
  ;({ socket: operator } = await relay.operator({ cookie }))
})
afterEach(async () => {
  await relay.close()
  await telegram.close()
})

describe('a Telegram chat tied to a site visitor', () => {
  it('names the site conversation by the Telegram name, live for operators, and fills the phone they share', async () => {
    const bot = await addBot()
    const site = await siteChat()
    expect(site.conversation.visitorName).toBeUndefined()
    await post(bot.webhookPath, telegramText(42, `/start ${site.welcome.startParam}`))
    expect((await post(bot.webhookPath, telegramText(42, 'It is me from the site'))).status).toBe(
      200,
    )
    expect(await summaryOf(site.conversation.id)).toMatchObject({
      status: 'open',
      visitorName: 'Ivan Petrov',
    })
    // The visitor's own socket is sent the named summary too (none before had a name).
    const named = await site.socket.next(
      ofType(
        'conversation',
        (f) =>
          f.conversation.id === site.conversation.id && f.conversation.visitorName !== undefined,
      ),
    )
    expect(named.conversation.visitorName).toBe('Ivan Petrov')
    await post(
      bot.webhookPath,
      telegramText(42, undefined as never, {
        text: undefined,
        contact: { phone_number: '79161234567', first_name: 'Ivan', user_id: 42 },
      }),
    )
    expect(await summaryOf(site.conversation.id)).toMatchObject({
      visitorName: 'Ivan Petrov',
      visitorPhone: '+79161234567',
    })
    const listed = await api<{ conversations: ConversationSummary[] }>('GET', '/v1/conversations')
    expect(listed.body.conversations.find((c) => c.id === site.conversation.id)).toMatchObject({
      visitorName: 'Ivan Petrov',
      visitorPhone: '+79161234567',
    })
  })

  it('keeps the name the visitor typed in a form over their Telegram name', async () => {
    const bot = await addBot()
    const site = await siteChat()
    site.socket.send({ t: 'prechat', cid: 'p1', name: 'Anna', consent: CONSENT })
    await site.socket.next(ofType('ack', (f) => f.cid === 'p1'))
    expect(await summaryOf(site.conversation.id)).toMatchObject({ visitorName: 'Anna' })
    await post(bot.webhookPath, telegramText(42, `/start ${site.welcome.startParam}`))
    await post(bot.webhookPath, telegramText(42, 'Hello from Telegram'))
    const profile = await relay.stores.visitors.get('shop', site.welcome.visitorId)
    expect(profile?.name).toBe('Anna')
    const listed = await api<{ conversations: ConversationSummary[] }>('GET', '/v1/conversations')
    const names = listed.body.conversations.map((c) => [c.channel ?? 'web', c.visitorName])
    // The Telegram conversation keeps the name Telegram gave it; the site's stays Anna.
    expect(names.sort()).toEqual([
      ['telegram', 'Ivan Petrov'],
      ['web', 'Anna'],
    ])
  })
})

describe('the visitor card of a messenger conversation', () => {
  it('names the messenger and the bot, and a site chat of the same visitor stays the website chat', async () => {
    const bot = await addBot()
    const site = await siteChat()
    await post(bot.webhookPath, telegramText(42, `/start ${site.welcome.startParam}`))
    await post(bot.webhookPath, telegramText(42, 'Hello from Telegram'))
    const { conversation } = await operator.next(
      ofType('conversation', (f) => f.conversation.channel === 'telegram'),
    )
    const card = await api<VisitorCardReply>('GET', `/v1/conversations/${conversation.id}/visitor`)
    expect(card.status).toBe(200)
    expect(card.body).toMatchObject({
      channel: 'telegram',
      contactPoint: { id: bot.id, name: 'Chai Shop bot' },
      visitor: { id: site.welcome.visitorId, name: 'Ivan Petrov' },
    })
    const siteCard = await api<VisitorCardReply>(
      'GET',
      `/v1/conversations/${site.conversation.id}/visitor`,
    )
    expect(siteCard.body.channel).toBe('web')
    expect(siteCard.body.contactPoint).toBeUndefined()
  })
})
