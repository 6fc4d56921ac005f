import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { SqliteDatabase } from '../../infra/db/sqlite.ts'
import {
  type FakeTelegram,
  startFakeTelegram,
  telegramDocument,
  telegramPhoto,
  telegramText,
} from '../../testing/fake-telegram.ts'
import { manualClock } from '../../testing/manual-clock.ts'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'
import { ofType } from '../../testing/ws-client.ts'

const KEY = 'b'.repeat(64)
const TOKEN = '123:good'
/** The limit these relays run with: small, so a file over it is quick to make. */
const MAX_BYTES = 64 * 1024

/** A JPEG as a camera writes it: SOI, an APP0 marker, then anything. */
const JPEG = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]),
  Buffer.from('JFIF photo bytes', 'latin1'),
  Buffer.alloc(3000, 0x5a),
])
const PDF = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n', 'latin1')
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')

let telegram: FakeTelegram
let relay: TestRelay
let cookie: string
let clock: ReturnType<typeof manualClock>
let webhookPath: string

beforeEach(async () => {
  telegram = await startFakeTelegram({ tokens: [TOKEN, '456:polled'] })
  clock = manualClock(Date.UTC(2026, 11, 2, 9))
  relay = await injectRelay({
    publicUrl: 'https://chat.example.com',
    now: clock.now,
    timers: clock.timers,
    attachments: { maxBytes: MAX_BYTES },
    channels: {
      secretKey: KEY,
      telegramApiRoot: telegram.apiRoot,
      random: () => 0.5,
      policy: { perChatIntervalMs: 0, perBotIntervalMs: 0 },
    },
  })
  cookie = await relay.login()
  const response = await relay.fetch('/v1/admin/contact-points', {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify({
      kind: 'telegram',
      siteId: 'shop',
      name: 'Shop bot',
      credentials: { token: TOKEN },
    }),
  })
  expect(response.status).toBe(201)
  webhookPath = (await response.json()).contactPoint.webhookPath
})
afterEach(async () => {
  await relay.close()
  await telegram.close()
})

/** Posts an update as Telegram does, with the secret token it registered. */
const post = (update: unknown) =>
  relay.fetch(webhookPath, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-telegram-bot-api-secret-token': telegram.webhook(TOKEN)!.secret!,
    },
    body: JSON.stringify(update),
  })

/** The events of the bot's one conversation (none: no conversation yet). */
async function events() {
  const [conversation] = await relay.stores.conversations.list(10)
  if (!conversation) return []
  return relay.stores.conversations.eventsAfter(conversation.id, 0, 10)
}

const storedFiles = () =>
  (
    (relay.stores.db as SqliteDatabase).raw
      .prepare('SELECT COUNT(*) AS n FROM attachments')
      .get() as {
      n: number
    }
  ).n

const file = (id: string) => relay.fetch(`/v1/attachments/${id}`, { headers: { cookie } })

/** Seconds since the epoch, as Telegram dates messages: now on the relay's clock. */
const sentNow = () => Math.floor(clock.now() / 1000)

describe('files a Telegram visitor sends', () => {
  it('stores the largest size of a photo with its message and serves it as an inert image', async () => {
    telegram.addFile('ph-800', JPEG, 'photos/file_7.jpg')
    expect(
      (await post(telegramPhoto(42, 'ph-800', JPEG.length, { caption: 'Broken lid' }))).status,
    ).toBe(200)

    expect(telegram.callsOf('getFile').map((c) => c.params.file_id)).toEqual(['ph-800'])
    expect(telegram.callsOf('file')).toEqual([
      { token: TOKEN, method: 'file', params: { path: 'photos/file_7.jpg' } },
    ])
    const [event] = await events()
    expect(event).toMatchObject({
      text: '[Photo (3 KB)] Broken lid',
      data: {
        attachmentId: expect.stringMatching(/^a/),
        attachmentName: 'photo.jpg',
        attachmentType: 'image/jpeg',
        attachmentSize: String(JPEG.length),
      },
    })
    const response = await file(event!.data!.attachmentId!)
    expect(response.status).toBe(200)
    expect(Object.fromEntries(response.headers)).toMatchObject({
      'content-type': 'image/jpeg',
      'content-length': String(JPEG.length),
      'content-disposition': `inline; filename="photo.jpg"; filename*=UTF-8''photo.jpg`,
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
    })
    expect(Buffer.from(await response.arrayBuffer()).equals(JPEG)).toBe(true)
    // Who may see it: the access walk (routing/access.test.ts). An unknown id reads the same.
    const unknown = await file('a-none')
    expect({ status: unknown.status, code: (await unknown.json()).code }).toEqual({
      status: 404,
      code: 'attachment_not_found',
    })
  })

  it('stores a document under its own name, to be downloaded, not shown', async () => {
    telegram.addFile('doc-1', PDF)
    await post(
      telegramDocument(42, {
        file_id: 'doc-1',
        file_name: 'Счёт 5.pdf',
        mime_type: 'application/pdf',
        file_size: PDF.length,
      }),
    )
    const [event] = await events()
    expect(event).toMatchObject({
      text: '[File Счёт 5.pdf (1 KB)]',
      data: { attachmentName: 'Счёт 5.pdf', attachmentType: 'application/pdf' },
    })
    const response = await file(event!.data!.attachmentId!)
    expect(response.headers.get('content-type')).toBe('application/pdf')
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="____ 5.pdf"; filename*=UTF-8''%D0%A1%D1%87%D1%91%D1%82%205.pdf`,
    )
    expect(Buffer.from(await response.arrayBuffer()).toString('latin1')).toBe(
      PDF.toString('latin1'),
    )
  })

  it('refuses a file Telegram says is over the limit without fetching it; the message is kept with a note', async () => {
    telegram.addFile('big', Buffer.alloc(MAX_BYTES + 1, 0x25))
    const response = await post(
      telegramDocument(42, {
        file_id: 'big',
        file_name: 'scan.pdf',
        mime_type: 'application/pdf',
        file_size: MAX_BYTES + 1,
      }),
    )
    expect(response.status).toBe(200)
    expect(telegram.callsOf('getFile')).toEqual([])
    const [event] = await events()
    expect(event).toMatchObject({
      text: '[File scan.pdf (64 KB) — not accepted: larger than 0.1 MB]',
      data: {
        attachmentRefused: 'attachment_too_large',
        attachmentName: 'scan.pdf',
        attachmentType: 'application/pdf',
        attachmentSize: String(MAX_BYTES + 1),
      },
    })
    expect(event!.data!.attachmentId).toBeUndefined()
    expect(storedFiles()).toBe(0)
  })

  it('stops reading a file that turns out larger than the limit, whatever the update said', async () => {
    telegram.addFile('liar', Buffer.concat([PDF, Buffer.alloc(MAX_BYTES)]))
    await post(
      telegramDocument(42, {
        file_id: 'liar',
        file_name: 'small.pdf',
        mime_type: 'application/pdf',
      }),
    )
    expect(telegram.callsOf('getFile')).toHaveLength(1)
    const [event] = await events()
    expect(event!.data).toMatchObject({ attachmentRefused: 'attachment_too_large' })
    expect(storedFiles()).toBe(0)
  })

  it('refuses a type it does not take, by the declared type or by the bytes, storing no file', async () => {
    telegram.addFile('exe', Buffer.from('MZ\x90\x00', 'latin1'))
    telegram.addFile('svg', SVG)
    await post(
      telegramDocument(42, {
        file_id: 'exe',
        file_name: 'setup.exe',
        mime_type: 'application/x-msdownload',
        file_size: 4096,
      }),
    )
    // An SVG (it can run script) that calls itself a PNG.
    await post(
      telegramDocument(42, { file_id: 'svg', file_name: 'cat.png', mime_type: 'image/png' }),
    )
    expect(telegram.callsOf('getFile').map((c) => c.params.file_id)).toEqual(['svg'])
    const [exe, svg] = await events()
    expect(exe).toMatchObject({
      text: '[File setup.exe (4 KB) — not accepted: application/x-msdownload files are not taken]',
      data: { attachmentRefused: 'attachment_type_refused', attachmentName: 'setup.exe' },
    })
    expect(svg).toMatchObject({
      text: '[File cat.png (1 KB) — not accepted: not a file type the relay takes]',
      data: { attachmentRefused: 'attachment_type_refused', attachmentType: 'image/png' },
    })
    expect(storedFiles()).toBe(0)
  })

  it('answers 503 and stores nothing while the file server fails; the resent update stores message and file once', async () => {
    telegram.addFile('ph-1', JPEG)
    telegram.failNext('file', { error_code: 502, description: 'Bad Gateway' })
    const update = telegramPhoto(42, 'ph-1', JPEG.length, { date: sentNow() })

    const refused = await post(update)
    expect(refused.status).toBe(503)
    expect((await refused.json()).code).toBe('attachment_unavailable')
    expect(await relay.stores.conversations.list(10)).toEqual([])
    expect(storedFiles()).toBe(0)

    // Telegram sends an unconfirmed update again; a third time changes nothing.
    clock.advance(60_000)
    expect((await post(update)).status).toBe(200)
    expect((await post(update)).status).toBe(200)
    const all = await events()
    expect(all.map((e) => e.text)).toEqual(['[Photo (3 KB)]'])
    expect(all[0]!.data).toMatchObject({ attachmentType: 'image/jpeg' })
    expect(storedFiles()).toBe(1)
    // A repeat is fetched again (the update's id is checked in the transaction that stores
    // it) but stored once.
    expect(telegram.callsOf('file')).toHaveLength(3)
  })

  it('polls the same update again while its file cannot be fetched, and stores it once it can', async () => {
    const polling = await relay.fetch('/v1/admin/contact-points', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({
        kind: 'telegram',
        siteId: 'shop',
        name: 'Polled bot',
        mode: 'polling',
        credentials: { token: '456:polled' },
      }),
    })
    expect((await polling.json()).contactPoint.status).toBe('polling')
    telegram.addFile('ph-3', JPEG)
    telegram.failNext('file', { error_code: 502, description: 'Bad Gateway' })
    const update = telegramPhoto(42, 'ph-3', JPEG.length, { date: sentNow() })
    telegram.queue(update, '456:polled')

    await expect.poll(() => telegram.callsOf('file').length).toBe(1)
    expect(await relay.stores.conversations.list(10)).toEqual([])
    // The poller waits out its backoff (2 s with this jitter), then asks from the same offset.
    clock.advance(2000)
    await expect.poll(async () => (await events()).length).toBe(1)
    const offsets = telegram.callsOf('getUpdates').map((c) => c.params.offset)
    expect(offsets.slice(0, 2)).toEqual([0, 0])
    expect((await events())[0]!.data).toMatchObject({ attachmentType: 'image/jpeg' })
    expect(storedFiles()).toBe(1)
  })

  it('stores the message with a note once its file has failed for longer than the retry window', async () => {
    telegram.addFile('ph-2', JPEG)
    telegram.failNext('getFile', { error_code: 500, description: 'Internal Server Error' }, 2)
    const update = telegramPhoto(42, 'ph-2', JPEG.length, { caption: 'Hello?', date: sentNow() })

    expect((await post(update)).status).toBe(503)
    clock.advance(60 * 60_000)
    expect((await post(update)).status).toBe(200)
    const [event] = await events()
    expect(event).toMatchObject({
      text: '[Photo (3 KB) — could not be downloaded] Hello?',
      data: { attachmentRefused: 'attachment_unavailable', attachmentName: 'photo.jpg' },
    })
    expect(storedFiles()).toBe(0)
  })
})

/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
)

/** Uploads `data` as the operator's file for a conversation, as the console's composer does. */
async function upload(conversationId: string, data: Buffer, name: string, type: string) {
  const form = new FormData()
  form.append('file', new Blob([new Uint8Array(data)], { type }), name)
  const response = await relay.fetch(`/v1/conversations/${conversationId}/attachments`, {
    method: 'POST',
    headers: { cookie },
    body: form,
  })
  return { status: response.status, body: await response.json() }
}

describe('photos an operator sends to a Telegram visitor', () => {
  async function chat() {
    const { socket } = await relay.operator({ cookie })
    await post(telegramText(42, 'Can I see it?'))
    const { conversation } = await socket.next(ofType('conversation'))
    return { socket, conversationId: conversation.id as string }
  }

  it('go with sendPhoto, the text as caption, and show in the log as the stored file', async () => {
    const { socket, conversationId } = await chat()
    const uploaded = await upload(conversationId, PNG, 'lid.png', 'image/png')
    expect(uploaded).toEqual({
      status: 201,
      body: {
        attachment: { id: expect.any(String), name: 'lid.png', type: 'image/png', size: 70 },
      },
    })
    const { id } = uploaded.body.attachment
    // Nothing goes until a message carries it.
    await relay.app.channels.worker.idle()
    expect(telegram.callsOf('sendPhoto')).toEqual([])

    socket.send({ t: 'send', cid: 'p1', conversationId, text: 'Here it is', attachmentId: id })
    const ack = await socket.next(ofType('ack', (f) => f.cid === 'p1'))
    const event = await socket.next(ofType('event', (f) => f.id === ack.id))
    expect(event.data).toEqual({
      attachmentId: id,
      attachmentName: 'lid.png',
      attachmentType: 'image/png',
      attachmentSize: '70',
    })
    await relay.app.channels.worker.idle()
    const [call] = telegram.callsOf('sendPhoto')
    expect(call!.params).toMatchObject({ chat_id: '42', caption: 'Here it is' })
    expect(call!.params.photo.name).toBe('lid.png')
    expect(call!.params.photo.data.equals(PNG)).toBe(true)
    expect(telegram.callsOf('sendMessage')).toEqual([])
    expect((await socket.next(ofType('delivery'))).delivery).toMatchObject({
      eventId: ack.id,
      state: 'sent',
    })
    expect((await file(id)).status).toBe(200)
  })

  it('go without a caption when the operator wrote none', async () => {
    const { socket, conversationId } = await chat()
    const { id } = (await upload(conversationId, PNG, 'lid.png', 'image/png')).body.attachment
    socket.send({ t: 'send', cid: 'p2', conversationId, text: '', attachmentId: id })
    await socket.next(ofType('ack', (f) => f.cid === 'p2'))
    await relay.app.channels.worker.idle()
    const [call] = telegram.callsOf('sendPhoto')
    expect(call!.params.caption).toBeUndefined()
    expect(call!.params.photo.data.equals(PNG)).toBe(true)
  })

  it('are taken by one message only; a repeated cid gets its first ack', async () => {
    const { socket, conversationId } = await chat()
    const { id } = (await upload(conversationId, PNG, 'lid.png', 'image/png')).body.attachment
    socket.send({ t: 'send', cid: 'p3', conversationId, text: 'One', attachmentId: id })
    const first = await socket.next(ofType('ack', (f) => f.cid === 'p3'))
    socket.send({ t: 'send', cid: 'p3', conversationId, text: 'One', attachmentId: id })
    expect(await socket.next(ofType('ack', (f) => f.cid === 'p3' && f !== first))).toEqual(first)
    socket.send({ t: 'send', cid: 'p4', conversationId, text: 'Two', attachmentId: id })
    expect(await socket.next(ofType('error', (f) => f.cid === 'p4'))).toMatchObject({
      code: 'attachment_not_found',
    })
    socket.send({ t: 'send', cid: 'p5', conversationId, text: 'Three', attachmentId: 'a-none' })
    expect(await socket.next(ofType('error', (f) => f.cid === 'p5'))).toMatchObject({
      code: 'attachment_not_found',
    })
    await relay.app.channels.worker.idle()
    expect(telegram.callsOf('sendPhoto')).toHaveLength(1)
    expect((await events()).map((e) => e.text)).toEqual(['Can I see it?', 'One'])
  })

  it('refuses what is not an image, too large, for a chat without Telegram, or not multipart, storing nothing', async () => {
    const { conversationId } = await chat()
    expect(await upload(conversationId, PDF, 'offer.pdf', 'application/pdf')).toMatchObject({
      status: 415,
      body: {
        code: 'attachment_type_refused',
        // What the operator reads in the console: what a photo may be, not every stored type.
        message: 'Only JPEG, PNG, WebP and GIF images can be sent as photos',
      },
    })
    // An SVG is no image to send: it is no accepted type at all.
    expect(await upload(conversationId, SVG, 'x.png', 'image/png')).toMatchObject({
      status: 415,
      body: { code: 'attachment_type_refused' },
    })
    const big = Buffer.concat([PNG, Buffer.alloc(MAX_BYTES)])
    expect(await upload(conversationId, big, 'big.png', 'image/png')).toMatchObject({
      status: 413,
      body: {
        code: 'attachment_too_large',
        message: 'The photo is larger than 64 KB, the most this relay sends',
      },
    })
    const json = await relay.fetch(`/v1/conversations/${conversationId}/attachments`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: '{}',
    })
    expect(json.status).toBe(400)
    // A site visitor's chat: the widget shows text only.
    const { socket: visitor } = await relay.visitor()
    visitor.send({ t: 'send', cid: 'w1', text: 'From the site' })
    const { conversationId: web } = await visitor.next(ofType('ack'))
    expect(await upload(web, PNG, 'lid.png', 'image/png')).toMatchObject({
      status: 409,
      body: { code: 'attachment_channel_unsupported' },
    })
    expect(await upload('c-none', PNG, 'lid.png', 'image/png')).toMatchObject({
      status: 404,
      body: { code: 'conversation_not_found' },
    })
    expect(storedFiles()).toBe(0)
  })
})
