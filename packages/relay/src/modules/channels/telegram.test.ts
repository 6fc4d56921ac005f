import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { SqliteDatabase } from '../../infra/db/sqlite.ts'
import { type FakeTelegram, startFakeTelegram, telegramText } from '../../testing/fake-telegram.ts'
import { manualClock } from '../../testing/manual-clock.ts'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'
import { ofType } from '../../testing/ws-client.ts'

const KEY = 'a'.repeat(64)
const TOKEN = '123:good'

let telegram: FakeTelegram
let relay: TestRelay
let cookie: string
let clock: ReturnType<typeof manualClock>

async function api(method: string, path: string, body?: unknown) {
  const response = await relay.fetch(path, {
    method,
    headers: { cookie, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  })
  const text = await response.text()
  return { status: response.status, body: text ? JSON.parse(text) : undefined }
}

async function addBot(extra: Record<string, unknown> = {}) {
  const { status, body } = await api('POST', '/v1/admin/contact-points', {
    kind: 'telegram',
    siteId: 'shop',
    name: 'Shop bot',
    credentials: { token: TOKEN },
    ...extra,
  })
  expect(status, JSON.stringify(body)).toBe(201)
  return body.contactPoint
}

/** Posts an update to the relay as Telegram does (the secret it registered, unless told). */
function post(path: string, update: unknown, secret: string | null = telegram.webhook()!.secret!) {
  return relay.fetch(path, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(secret !== null && { 'x-telegram-bot-api-secret-token': secret }),
    },
    body: JSON.stringify(update),
  })
}

const conversations = () => relay.stores.conversations.list(50)

beforeEach(async () => {
  telegram = await startFakeTelegram({ tokens: [TOKEN] })
  clock = manualClock(Date.UTC(2026, 11, 2, 9))
  relay = await injectRelay({
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
})
afterEach(async () => {
  await relay.close()
  await telegram.close()
})

describe('a Telegram contact point', () => {
  it('registers its webhook with a secret token and never shows the bot token again', async () => {
    const bot = await addBot()
    expect(bot).toMatchObject({
      kind: 'telegram',
      credentials: { token: 'set' },
      status: 'webhook',
      statusError: null,
      webhookPath: `/v1/channels/${bot.id}/webhook`,
    })
    const [call] = telegram.callsOf('setWebhook')
    expect(call!.params).toMatchObject({
      url: `https://chat.example.com/v1/channels/${bot.id}/webhook`,
      secret_token: expect.stringMatching(/^[A-Za-z0-9_-]{20,256}$/),
    })
    const listed = await api('GET', '/v1/admin/contact-points')
    expect(JSON.stringify(listed.body)).not.toContain(TOKEN)
    expect(listed.body.contactPoints).toEqual([bot])
    // Not in the database in clear either.
    const raw = (relay.stores.db as SqliteDatabase).raw
    const row = raw.prepare('SELECT * FROM contact_points').get()
    expect(JSON.stringify(row)).not.toContain(TOKEN)
  })

  it('says why the webhook failed when Telegram refuses the token', async () => {
    const bot = await addBot({ credentials: { token: '999:revoked' } })
    expect(bot).toMatchObject({
      status: 'failed',
      statusError: expect.stringContaining('Unauthorized'),
    })
  })

  it('refuses a forged update with 403 and stores nothing', async () => {
    const bot = await addBot()
    for (const secret of [null, 'not-the-secret']) {
      const response = await post(bot.webhookPath, telegramText(42, 'Forged'), secret)
      expect(response.status).toBe(403)
      expect(await response.json()).toMatchObject({ code: 'channel_update_forbidden' })
    }
    expect(await conversations()).toEqual([])
  })

  it("opens a conversation in the bot's group, seen by operators with its channel; a repeated update is one event", async () => {
    const groups = await api('GET', '/v1/admin/sites/shop/groups')
    const sales = await api('POST', '/v1/admin/sites/shop/groups', { name: 'Sales' })
    expect(groups.status).toBe(200)
    const bot = await addBot({ group: 'Sales' })
    expect(bot.group).toBe(sales.body.group.id)
    const { socket } = await relay.operator({ cookie })
    const update = telegramText(42, 'Do you ship to Kazan?')
    expect((await post(bot.webhookPath, update)).status).toBe(200)
    expect((await post(bot.webhookPath, update)).status).toBe(200)
    const frame = await socket.next(ofType('conversation'))
    expect(frame.conversation).toMatchObject({
      channel: 'telegram',
      group: sales.body.group.id,
      visitorName: 'Ivan Petrov',
      lastText: 'Do you ship to Kazan?',
    })
    const [conversation] = await conversations()
    const events = await relay.stores.conversations.eventsAfter(conversation!.id, 0, 10)
    expect(events.map((e) => e.text)).toEqual(['Do you ship to Kazan?'])
    // The next message continues it.
    await post(bot.webhookPath, telegramText(42, 'And to Samara?'))
    expect(await conversations()).toHaveLength(1)
    expect(
      (await relay.stores.conversations.eventsAfter(conversation!.id, 0, 10)).map((e) => e.text),
    ).toEqual(['Do you ship to Kazan?', 'And to Samara?'])
  })

  it("sends the operator's answer to the chat and reports it sent", async () => {
    const bot = await addBot()
    const { socket } = await relay.operator({ cookie })
    await post(bot.webhookPath, telegramText(42, 'Hello?'))
    const { conversation } = await socket.next(ofType('conversation'))
    socket.send({ t: 'send', cid: 'r1', conversationId: conversation.id, text: 'Hello, Ivan!' })
    const ack = await socket.next(ofType('ack'))
    await relay.app.channels.worker.idle()
    expect(telegram.callsOf('sendMessage').map((c) => c.params)).toEqual([
      expect.objectContaining({ chat_id: '42', text: 'Hello, Ivan!' }),
    ])
    const delivery = await socket.next(ofType('delivery'))
    expect(delivery).toMatchObject({
      conversationId: conversation.id,
      delivery: { eventId: ack.id, state: 'sent', attempts: 1, error: null },
    })
    const deliveries = await api('GET', `/v1/conversations/${conversation.id}/deliveries`)
    expect(deliveries.body.deliveries).toEqual([delivery.delivery])
  })

  it("waits out Telegram's retry_after, then sends once", async () => {
    const bot = await addBot()
    const { socket } = await relay.operator({ cookie })
    await post(bot.webhookPath, telegramText(42, 'Hello?'))
    const { conversation } = await socket.next(ofType('conversation'))
    telegram.failNext('sendMessage', {
      error_code: 429,
      description: 'Too Many Requests: retry after 30',
      parameters: { retry_after: 30 },
    })
    socket.send({ t: 'send', cid: 'r1', conversationId: conversation.id, text: 'Answer' })
    await socket.next(ofType('ack'))
    await relay.app.channels.worker.idle()
    expect(telegram.callsOf('sendMessage')).toHaveLength(1)
    const pending = await api('GET', `/v1/conversations/${conversation.id}/deliveries`)
    expect(pending.body.deliveries[0]).toMatchObject({ state: 'pending', attempts: 1 })
    clock.advance(29_999)
    await relay.app.channels.worker.idle()
    expect(telegram.callsOf('sendMessage')).toHaveLength(1)
    clock.advance(1)
    await relay.app.channels.worker.idle()
    expect(telegram.callsOf('sendMessage')).toHaveLength(2)
    const sent = await api('GET', `/v1/conversations/${conversation.id}/deliveries`)
    expect(sent.body.deliveries[0]).toMatchObject({ state: 'sent', attempts: 2 })
    clock.advance(10 * 60_000)
    await relay.app.channels.worker.idle()
    expect(telegram.callsOf('sendMessage')).toHaveLength(2)
  })

  it('marks a message to a user who blocked the bot failed, and tries no more', async () => {
    const bot = await addBot()
    const { socket } = await relay.operator({ cookie })
    await post(bot.webhookPath, telegramText(42, 'Hello?'))
    const { conversation } = await socket.next(ofType('conversation'))
    telegram.failNext('sendMessage', {
      error_code: 403,
      description: 'Forbidden: bot was blocked by the user',
    })
    socket.send({ t: 'send', cid: 'r1', conversationId: conversation.id, text: 'Answer' })
    await socket.next(ofType('ack'))
    await relay.app.channels.worker.idle()
    clock.advance(60 * 60_000)
    await relay.app.channels.worker.idle()
    expect(telegram.callsOf('sendMessage')).toHaveLength(1)
    const { body } = await api('GET', `/v1/conversations/${conversation.id}/deliveries`)
    expect(body.deliveries[0]).toMatchObject({
      state: 'failed',
      error: 'Forbidden: bot was blocked by the user',
    })
  })

  it("ties the chat to the site visitor by the widget's start parameter, and refuses a forged one", async () => {
    const bot = await addBot()
    const { welcome } = await relay.visitor()
    await post(bot.webhookPath, telegramText(42, `/start ${welcome.startParam}`))
    await post(bot.webhookPath, telegramText(42, 'It is me from the site'))
    const forged = `${welcome.startParam.slice(0, -2)}AA`
    await post(bot.webhookPath, telegramText(43, `/start ${forged}`))
    await post(bot.webhookPath, telegramText(43, 'Someone else'))
    const list = await conversations()
    const mine = list.find((c) => c.lastText === 'It is me from the site')
    const other = list.find((c) => c.lastText === 'Someone else')
    expect(mine!.visitorId).toBe(welcome.visitorId)
    expect(other!.visitorId).not.toBe(welcome.visitorId)
    // The start itself is no message.
    expect(list).toHaveLength(2)
  })

  it('no longer ties a chat by a start parameter past its expiry', async () => {
    const bot = await addBot()
    const { welcome } = await relay.visitor()
    clock.advance(7 * 24 * 60 * 60_000 + 60_000)
    await post(bot.webhookPath, telegramText(42, `/start ${welcome.startParam}`))
    await post(bot.webhookPath, telegramText(42, 'A week later'))
    const [conversation] = await conversations()
    expect(conversation!.visitorId).not.toBe(welcome.visitorId)
  })

  it("fills the visitor's phone from a shared contact of their own", async () => {
    const bot = await addBot()
    await post(
      bot.webhookPath,
      telegramText(42, undefined as never, {
        text: undefined,
        contact: { phone_number: '79161234567', first_name: 'Ivan', user_id: 42 },
      }),
    )
    const [conversation] = await conversations()
    const profile = await relay.stores.visitors.get('shop', conversation!.visitorId)
    expect(profile?.phone).toBe('+79161234567')
  })

  it('describes photos and documents, and says when a file is not accepted', async () => {
    const bot = await addBot()
    await post(
      bot.webhookPath,
      telegramText(42, undefined as never, {
        text: undefined,
        caption: 'This one',
        photo: [
          { file_id: 'a', file_unique_id: 'a', width: 90, height: 90, file_size: 2048 },
          { file_id: 'b', file_unique_id: 'b', width: 800, height: 800, file_size: 81_920 },
        ],
      }),
    )
    await post(
      bot.webhookPath,
      telegramText(42, undefined as never, {
        text: undefined,
        document: {
          file_id: 'c',
          file_unique_id: 'c',
          file_name: 'setup.exe',
          mime_type: 'application/x-msdownload',
          file_size: 4096,
        },
      }),
    )
    const [conversation] = await conversations()
    const texts = (await relay.stores.conversations.eventsAfter(conversation!.id, 0, 10)).map(
      (e) => e.text,
    )
    expect(texts).toEqual([
      // The fake has no file 'b': Telegram's 400 to getFile is final (telegram-files.test.ts).
      '[Photo (80 KB) — could not be downloaded] This one',
      '[File setup.exe (4 KB) — not accepted: application/x-msdownload files are not taken]',
    ])
  })

  it('polls getUpdates instead of a webhook when asked, and resumes from the stored offset', async () => {
    const bot = await addBot({ mode: 'polling' })
    expect(bot.status).toBe('polling')
    expect(telegram.callsOf('deleteWebhook')).toHaveLength(1)
    telegram.queue(telegramText(42, 'Polled hello'), TOKEN)
    await expect.poll(async () => (await conversations()).length).toBe(1)
    expect((await conversations())[0]).toMatchObject({
      channel: 'telegram',
      lastText: 'Polled hello',
    })
    const update = telegram.callsOf('getUpdates')[0]!
    expect(update.params).toMatchObject({ offset: 0, timeout: 25 })
    const stored = await relay.stores.channels.getContactPoint(bot.id)
    // The next poll confirms the update: it asks from the offset stored with it.
    await expect
      .poll(() => telegram.callsOf('getUpdates').at(-1)!.params.offset)
      .toBe(stored!.pollOffset)
    expect(stored!.pollOffset).toBeGreaterThan(0)
  })
})
