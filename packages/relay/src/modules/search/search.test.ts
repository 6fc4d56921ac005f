import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { SqliteDatabase } from '../../infra/db/sqlite.ts'
import { FORM_SITES, MONDAY_NOON_MSK } from '../../testing/forms.ts'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'
import { ofType, type TestSocket } from '../../testing/ws-client.ts'

let relay: TestRelay
let cookie: string
let now: number
beforeEach(async () => {
  now = MONDAY_NOON_MSK
  relay = await injectRelay({
    sites: FORM_SITES,
    now: () => now,
    rateLimit: { burst: 1000, perSecond: 1000 },
  })
  cookie = await relay.login()
})
afterEach(async () => {
  await relay.close()
})

interface Auth {
  cookie?: string
  token?: string
}

async function call(auth: Auth, method: string, path: string, body?: unknown) {
  const response = await relay.fetch(path, {
    method,
    headers: {
      ...(auth.cookie ? { cookie: auth.cookie } : {}),
      ...(auth.token ? { authorization: `Bearer ${auth.token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  // biome-ignore lint/suspicious/noExplicitAny: replies in tests are read field by field
  return { status: response.status, body: (await response.json()) as any }
}

const search = (body: Record<string, unknown>, auth: Auth = { cookie }) =>
  call(auth, 'POST', '/v1/messages/search', body)

/** A visitor's chat, its first message sent at `at`; with its socket and visitor id. */
async function chat(text: string, at = now + 10) {
  now = at
  const { socket, welcome } = await relay.visitor()
  socket.send({ t: 'send', cid: 'first', text })
  const ack = await socket.next(ofType('ack'))
  return {
    id: ack.conversationId as string,
    socket,
    visitorId: welcome.visitorId as string,
  }
}

async function send(socket: TestSocket, conversationId: string, cid: string, text: string) {
  now += 10
  socket.send({ t: 'send', cid, conversationId, text })
  return (await socket.next(ofType('ack', (f) => f.cid === cid))).id as string
}

describe('POST /v1/messages/search', () => {
  it('finds a word a visitor sent, with the conversation, the message and highlight ranges', async () => {
    const a = await chat('Здравствуйте! Где мой заказ №4711? Жду с понедельника.')
    await chat('Спасибо, всё получил')
    const reply = await search({ q: 'ЗАКАЗ' })
    expect(reply.status).toBe(200)
    expect(reply.body.nextCursor).toBeNull()
    expect(reply.body.items).toEqual([
      {
        rank: 0,
        conversation: expect.objectContaining({ id: a.id, siteId: 'shop', status: 'open' }),
        message: {
          id: expect.any(String),
          seq: 1,
          kind: 'message',
          author: { kind: 'visitor', id: a.visitorId },
          at: now - 10,
        },
        snippet: {
          text: 'Здравствуйте! Где мой заказ №4711? Жду с понедельника.',
          highlights: [{ start: 22, end: 27 }],
          cutStart: false,
          cutEnd: false,
        },
      },
    ])
    const { text, highlights } = reply.body.items[0].snippet
    expect(text.slice(highlights[0].start, highlights[0].end)).toBe('заказ')
  })

  it('returns text as plain text with ranges, never markup a page would run', async () => {
    const html = 'Look: <img src=x onerror="alert(1)"> <b>bold</b> &amp; done'
    await chat(html)
    const reply = await search({ q: 'bold img' })
    const [hit] = reply.body.items
    // The text as the visitor wrote it, nothing added or escaped: the console renders text.
    expect(hit.snippet.text).toBe(html)
    expect(
      hit.snippet.highlights.map((h: { start: number; end: number }) => html.slice(h.start, h.end)),
    ).toEqual(['img', 'bold'])
  })

  it('cuts a long message to a window around the first match', async () => {
    const long = `${'padding words here '.repeat(30)}the parcel number is 88123 ${'and more text after '.repeat(30)}`
    await chat(long)
    const [hit] = (await search({ q: '88123' })).body.items
    expect(hit.snippet.text.length).toBeLessThanOrEqual(160)
    expect(hit.snippet.text).toContain('the parcel number is 88123')
    expect(hit.snippet).toMatchObject({ cutStart: true, cutEnd: true })
    const [range] = hit.snippet.highlights
    expect(hit.snippet.text.slice(range.start, range.end)).toBe('88123')
  })

  it('walks every page to the end of the history, with no cap on results', async () => {
    const a = await chat('delivery question 0')
    const sent = [a.id]
    for (let i = 1; i < 45; i++)
      sent.push(await send(a.socket, a.id, `m${i}`, `delivery question ${i}`))
    const pages: number[] = []
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page: Awaited<ReturnType<typeof search>> = await search({
        q: 'delivery',
        limit: 20,
        ...(cursor && { cursor }),
      })
      expect(page.status).toBe(200)
      pages.push(page.body.items.length)
      seen.push(...page.body.items.map((h: { message: { seq: number } }) => h.message.seq))
      cursor = page.body.nextCursor
    } while (cursor)
    expect(pages).toEqual([20, 20, 5])
    // Newest first, each message once, down to the first one.
    expect(seen).toEqual(Array.from({ length: 45 }, (_, i) => 45 - i))
  })

  it('filters by channel, status and [from, to), and orders by time when asked', async () => {
    const a = await chat('the invoice chair arrived', now + 1000)
    const b = await chat('chair invoice please', now + 1000)
    const ids = async (body: Record<string, unknown>) =>
      (await search({ q: 'invoice chair', ...body })).body.items.map(
        (h: { conversation: { id: string } }) => h.conversation.id,
      )
    // `chair invoice` is not the phrase asked for: rank 1 after A's rank 0.
    expect(await ids({})).toEqual([a.id, b.id])
    expect(await ids({ order: 'newest' })).toEqual([b.id, a.id])
    expect(await ids({ from: now })).toEqual([b.id])
    expect(await ids({ to: now })).toEqual([a.id])
    expect(await ids({ channel: 'callback' })).toEqual([])
    expect(await ids({ status: 'closed' })).toEqual([])
    expect(await ids({ status: 'open', channel: 'chat' })).toEqual([a.id, b.id])
  })

  it('refuses a query without words, a forged cursor, a stranger and a token without the right', async () => {
    await chat('anything at all')
    expect(await search({ q: ' ?! — ' })).toMatchObject({
      status: 400,
      body: { code: 'search_query_invalid' },
    })
    expect(await search({ q: 'a b c d e f g h i j k' })).toMatchObject({
      status: 400,
      body: { code: 'search_query_invalid' },
    })
    expect(await search({ q: 'anything', cursor: 'bm90IGEgY3Vyc29y' })).toMatchObject({
      status: 400,
      body: { code: 'cursor_invalid' },
    })
    const forged = Buffer.from(JSON.stringify([1, '7', 'e1'])).toString('base64url')
    expect(await search({ q: 'anything', cursor: forged })).toMatchObject({
      status: 400,
      body: { code: 'cursor_invalid' },
    })
    expect(await search({ q: '' })).toMatchObject({ status: 400, body: { code: 'bad_request' } })
    expect(await search({ q: 'anything' }, {})).toMatchObject({
      status: 401,
      body: { code: 'unauthorized' },
    })
    const created = await call({ cookie }, 'POST', '/v1/admin/tokens', {
      name: 'sites only',
      scopes: ['sites:manage'],
    })
    const refused = await search({ q: 'anything' }, { token: created.body.token })
    expect(refused).toMatchObject({ status: 403, body: { code: 'forbidden' } })
    expect(JSON.stringify(refused.body)).not.toContain('anything at all')
  })

  it('no longer finds an erased visitor’s messages, and the index keeps none of their words', async () => {
    const anna = await chat('my code word is pineapple')
    await chat('pineapple pie recipe')
    expect((await search({ q: 'pineapple' })).body.items).toHaveLength(2)
    const erased = await call(
      { cookie },
      'POST',
      `/v1/privacy/subjects/shop/${anna.visitorId}/erase`,
      { reason: 'Request #7' },
    )
    expect(erased.status).toBe(200)
    const after = (await search({ q: 'pineapple' })).body.items
    expect(after.map((h: { snippet: { text: string } }) => h.snippet.text)).toEqual([
      'pineapple pie recipe',
    ])
    expect((await search({ q: 'code word' })).body.items).toEqual([])
    // The words are gone from the index itself, not only hidden by the query (SQLite).
    const raw = (relay.stores.db as SqliteDatabase).raw
    raw.exec("CREATE VIRTUAL TABLE temp.words USING fts5vocab(main, events_fts, 'row')")
    const terms = (raw.prepare('SELECT term FROM temp.words').all() as { term: string }[]).map(
      (r) => r.term,
    )
    expect(terms).toContain('pineapple')
    expect(terms).not.toContain('code')
    expect(terms).not.toContain('word')
  })
})
