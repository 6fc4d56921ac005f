import { CLOSE_CODES } from '@parley/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ofType } from '../../testing/ws-client.ts'
import { DERIVED_TABLES, SUBJECT_TABLES, TABLES_WITHOUT_VISITOR_DATA } from './sqlite.ts'
import {
  ANNA,
  BORIS,
  buildWorld,
  call,
  findTexts,
  needles,
  rawDb,
  type Seeded,
  seedVisitor,
  tablesOf,
  type World,
} from './test/subjects.ts'

/** Columns that tie a row to a visitor, directly or through one of their conversations. */
const VISITOR_COLUMNS = ['visitor_id', 'conversation_id', 'author_key', 'reader_key']

/**
 * The visitor's rows of `table`, found from its columns alone (not from the export's own
 * queries): by visitor id, by one of their conversations, or by their author key.
 */
function ownedRows(world: World, table: string, siteId: string, visitorId: string) {
  const columns = tablesOf(world.relay)
    .get(table)!
    .map((c) => c.name)
  const key = `visitor:${siteId}:${visitorId}`
  const theirs = `(SELECT id FROM conversations WHERE site_id = @site AND visitor_id = @visitor)`
  const where: string[] = []
  if (table === 'visitors') where.push('(site_id = @site AND id = @visitor)')
  if (columns.includes('visitor_id')) where.push('(site_id = @site AND visitor_id = @visitor)')
  if (columns.includes('conversation_id')) where.push(`conversation_id IN ${theirs}`)
  if (columns.includes('author_key')) where.push('author_key = @key')
  if (columns.includes('reader_key')) where.push('reader_key = @key')
  if (table === 'conversations') where.push('(site_id = @site AND visitor_id = @visitor)')
  const rows = rawDb(world.relay)
    .prepare(`SELECT * FROM ${table} WHERE ${where.join(' OR ')} ORDER BY rowid`)
    .all({ site: siteId, visitor: visitorId, key }) as Record<string, unknown>[]
  // A file's bytes travel in the JSON export as base64.
  return rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([k, v]) => [k, Buffer.isBuffer(v) ? v.toString('base64') : v]),
    ),
  )
}

let world: World
let anna: Seeded
let boris: Seeded
let annaElsewhere: Seeded
beforeEach(async () => {
  world = await buildWorld()
  anna = await seedVisitor(world, ANNA)
  boris = await seedVisitor(world, BORIS)
  // The same person on another site is another visitor: erasing one leaves the other.
  annaElsewhere = await seedVisitor(world, { ...ANNA, chat: 'Anna on the other site' }, 'other')
})
afterEach(() => world.relay.close())

const exportOf = (s: Seeded, site = 'shop') =>
  call(world.relay, world.cookie, 'GET', `/v1/privacy/subjects/${site}/${s.visitorId}/export`)
const erase = (s: Seeded, reason = 'Request #12 by e-mail', site = 'shop') =>
  call(world.relay, world.cookie, 'POST', `/v1/privacy/subjects/${site}/${s.visitorId}/erase`, {
    reason,
  })

describe('export', () => {
  it('classifies every table: one that may hold a visitor’s rows is covered by the export', () => {
    const unclassified: string[] = []
    const uncovered: string[] = []
    for (const [table, columns] of tablesOf(world.relay)) {
      const covered = table in SUBJECT_TABLES || DERIVED_TABLES.includes(table)
      if (!covered && !TABLES_WITHOUT_VISITOR_DATA.includes(table)) unclassified.push(table)
      if (!covered && columns.some((c) => VISITOR_COLUMNS.includes(c.name))) uncovered.push(table)
    }
    expect(unclassified).toEqual([])
    expect(uncovered).toEqual([])
  })

  it('holds every row the visitor owns, table by table, as the database has it', async () => {
    const reply = await exportOf(anna)
    expect(reply.status).toBe(200)
    expect(reply.headers.get('content-disposition')).toBe(
      `attachment; filename="visitor-${anna.visitorId}.json"`,
    )
    const exported = reply.body
    const owning: string[] = []
    for (const table of tablesOf(world.relay).keys()) {
      if (!(table in SUBJECT_TABLES)) continue
      const rows = ownedRows(world, table, 'shop', anna.visitorId)
      expect(exported.tables[table] ?? [], table).toEqual(rows)
      if (rows.length > 0) owning.push(table)
    }
    // The fixture leaves rows in each of these: the comparison above is not of empty lists.
    expect(owning).toEqual(
      expect.arrayContaining([
        'visitors',
        'consents',
        'conversations',
        'events',
        'reads',
        'routing_log',
        'engagements',
        'frame_acks',
        'attachments',
      ]),
    )
    // The file itself, as the visitor sent it.
    expect(Buffer.from(exported.tables.attachments[0].data, 'base64').toString()).toBe(
      `%PDF-${ANNA.name}`,
    )
    // Readable parts: the profile with its attributes, each conversation with its events.
    expect(exported.profile).toMatchObject({
      name: ANNA.name,
      email: ANNA.email,
      phone: `+${ANNA.phoneDigits}`,
      user_id: ANNA.userId,
      attributes: { plan: ANNA.plan },
    })
    expect(exported.consents.map((c: { form: string }) => c.form)).toEqual(['callback', 'offline'])
    const kinds = exported.conversations.map((c: { kind: string }) => c.kind).sort()
    expect(kinds).toEqual(['callback', 'chat', 'offline'])
    const chat = exported.conversations.find((c: { id: string }) => c.id === anna.chatId)
    expect(chat).toMatchObject({ rating: 4, rating_comment: ANNA.ratingComment })
    expect(chat.events.map((e: { text: string }) => e.text)).toEqual(
      expect.arrayContaining([ANNA.chat, ANNA.reply]),
    )
    // Nothing of anyone else.
    expect(JSON.stringify(exported)).not.toContain(BORIS.name)
    expect(JSON.stringify(exported)).not.toContain('Anna on the other site')
  })

  it('gives a readable HTML transcript with every stored value escaped', async () => {
    const response = await world.relay.fetch(
      `/v1/privacy/subjects/shop/${anna.visitorId}/export.html`,
      { headers: { cookie: world.cookie } },
    )
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="visitor-${anna.visitorId}.html"`,
    )
    const html = await response.text()
    expect(html).toContain('Where is my order &lt;script&gt;alert(&quot;anna&quot;)&lt;/script&gt;')
    expect(html).not.toContain('<script')
    expect(html).toContain(ANNA.reply)
    expect(html).toContain(ANNA.name)
  })

  it('answers visitor_not_found for a visitor nothing is held about, and logs each export', async () => {
    const none = await call(
      world.relay,
      world.cookie,
      'GET',
      '/v1/privacy/subjects/shop/v_nobody/export',
    )
    expect(none).toMatchObject({ status: 404, body: { code: 'visitor_not_found' } })
    await exportOf(anna)
    const audit = await call(world.relay, world.cookie, 'GET', '/v1/privacy/audit')
    expect(audit.body.entries).toEqual([
      expect.objectContaining({
        action: 'export',
        actorName: 'Admin',
        siteId: 'shop',
        subject: anna.visitorId,
        details: expect.objectContaining({ format: 'json' }),
      }),
    ])
  })
})

describe('erase', () => {
  it('leaves none of the visitor’s personal data in any table, and other visitors untouched', async () => {
    const borisBefore = (await exportOf(boris)).body.tables
    const elsewhereBefore = (await exportOf(annaElsewhere, 'other')).body.tables
    // The needles are really there before: the search below can find them.
    expect(findTexts(world.relay, needles(ANNA)).length).toBeGreaterThan(needles(ANNA).length)

    const reply = await erase(anna)
    expect(reply.status).toBe(200)
    expect(reply.body).toEqual({ erasedAt: expect.any(Number), counts: expect.any(Object) })
    expect(reply.body.counts).toMatchObject({
      visitors: 1,
      consents: 2,
      conversations: 3,
      attachments: 1,
    })

    // None of her rows on this site holds anything of hers any more…
    const rest = JSON.stringify(
      Object.keys(SUBJECT_TABLES).map((t) => ownedRows(world, t, 'shop', anna.visitorId)),
    ).toLowerCase()
    for (const text of needles(ANNA)) expect(rest).not.toContain(text.toLowerCase())
    // …and once the other site's Anna (another visitor) is erased too, no table holds any of it.
    expect(findTexts(world.relay, needles(ANNA))).not.toEqual([])
    await erase(annaElsewhere, 'Request #13', 'other')
    expect(findTexts(world.relay, needles(ANNA))).toEqual([])

    // Boris is as he was, row for row.
    expect((await exportOf(boris)).body.tables).toEqual(borisBefore)
    expect(findTexts(world.relay, needles(BORIS)).length).toBeGreaterThan(needles(BORIS).length)
    expect(elsewhereBefore.visitors).toHaveLength(1)
  })

  it('keeps the consents as an anonymised record and the conversations for metrics, without text', async () => {
    await erase(anna)
    const db = rawDb(world.relay)
    expect(
      db
        .prepare('SELECT form, ip, erased FROM consents WHERE visitor_id = ? ORDER BY at')
        .all(anna.visitorId),
    ).toEqual([
      { form: 'callback', ip: null, erased: 1 },
      { form: 'offline', ip: null, erased: 1 },
    ])
    const conversations = db
      .prepare(
        'SELECT kind, status, rating, erased_at, operator_id FROM conversations WHERE visitor_id = ? ORDER BY kind',
      )
      .all(anna.visitorId) as Record<string, unknown>[]
    expect(conversations).toHaveLength(3)
    for (const c of conversations) {
      expect(c).toMatchObject({ status: 'closed', erased_at: expect.any(Number) })
    }
    expect(conversations.find((c) => c.kind === 'chat')).toMatchObject({ rating: 4 })
    const texts = db
      .prepare(
        `SELECT DISTINCT text FROM events WHERE conversation_id IN
           (SELECT id FROM conversations WHERE visitor_id = ?) ORDER BY text`,
      )
      .all(anna.visitorId)
    expect(texts).toEqual([{ text: '' }, { text: '[erased]' }])
    // The register shows it.
    const register = await call(
      world.relay,
      world.cookie,
      'GET',
      `/v1/privacy/consents?visitorId=${anna.visitorId}`,
    )
    expect(register.body.consents.map((c: { erased: boolean }) => c.erased)).toEqual([true, true])
  })

  it('hides the conversations from the console and tells the operators’ sockets to drop them', async () => {
    const before = await call(world.relay, world.cookie, 'GET', '/v1/conversations')
    const ids = before.body.conversations.map((c: { id: string }) => c.id)
    expect(ids).toContain(anna.chatId)
    await erase(anna)
    const dropped = await world.operator.next(
      ofType('conversation', (f) => f.conversation.id === anna.chatId && f.conversation.erased),
    )
    expect(dropped.conversation).toMatchObject({ erased: true, status: 'closed' })
    expect(dropped.conversation.lastText).toBeUndefined()
    expect(dropped.conversation.visitorName).toBeUndefined()
    const after = await call(world.relay, world.cookie, 'GET', '/v1/conversations')
    const left = after.body.conversations.map((c: { visitorId: string }) => c.visitorId)
    expect(left).not.toContain(anna.visitorId)
    expect(left).toContain(boris.visitorId)
    const { welcome } = await world.relay.operator({ cookie: world.cookie })
    const listed = welcome.conversations.map((c: { visitorId: string }) => c.visitorId)
    expect(listed).not.toContain(anna.visitorId)
    expect(listed).toContain(boris.visitorId)
  })

  it('closes the visitor’s sockets and refuses their token afterwards, with no history', async () => {
    await erase(anna)
    expect(await anna.socket.closed).toEqual({
      code: CLOSE_CODES.unauthorized,
      reason: 'token_invalid',
    })
    const socket = await world.relay.socket('/v1/visitor?site=shop')
    socket.send({ t: 'hello', v: 1, token: anna.token })
    expect(await socket.next()).toMatchObject({ t: 'error', code: 'token_invalid' })
    expect((await socket.closed).code).toBe(CLOSE_CODES.unauthorized)
    expect(socket.frames.map((f) => f.t)).toEqual(['error'])
    // Boris's token still works and brings his history.
    const { welcome } = await world.relay.visitor({ token: boris.token })
    expect(welcome.visitorId).toBe(boris.visitorId)
  })

  it('needs a reason of 1 to 500 characters and a site, and changes nothing without them', async () => {
    for (const reason of ['', 'x'.repeat(501)]) {
      const reply = await erase(anna, reason)
      expect(reply).toMatchObject({ status: 400, body: { code: 'bad_request' } })
    }
    const missing = await call(
      world.relay,
      world.cookie,
      'POST',
      `/v1/privacy/subjects/shop/${anna.visitorId}/erase`,
      {},
    )
    expect(missing.status).toBe(400)
    const nowhere = await erase(anna, 'Request #12', 'nowhere')
    expect(nowhere).toMatchObject({ status: 404, body: { code: 'site_not_found' } })
    expect(findTexts(world.relay, [ANNA.chat])).not.toEqual([])
    expect(
      (await call(world.relay, world.cookie, 'GET', '/v1/privacy/audit')).body.entries,
    ).toEqual([])
  })

  it('is logged with who, when and why; a second erasure changes nothing more', async () => {
    const first = await erase(anna)
    const second = await erase(anna, 'Request #12, again')
    expect(second.status).toBe(200)
    expect(second.body.counts).toMatchObject({ visitors: 0, conversations: 0, events: 0 })
    const audit = await call(world.relay, world.cookie, 'GET', '/v1/privacy/audit')
    expect(audit.body.entries.map((e: { reason: string }) => e.reason)).toEqual([
      'Request #12, again',
      'Request #12 by e-mail',
    ])
    expect(audit.body.entries[1]).toMatchObject({
      action: 'erase',
      actorName: 'Admin',
      siteId: 'shop',
      subject: anna.visitorId,
      at: first.body.erasedAt,
      details: { counts: first.body.counts },
    })
  })
})
