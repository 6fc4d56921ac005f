import type { SqliteDatabase } from '../../../infra/db/sqlite.ts'
import { CONSENT, TEMPLATE } from '../../../testing/forms.ts'
import { injectRelay, type TestRelay } from '../../../testing/relay.ts'
import { call, createScenario } from '../../../testing/scenarios.ts'
import type { Frame, TestSocket } from '../../../testing/ws-client.ts'

/** A visitor with something of everything: profile, attributes, chat, rating, forms, engagement. */
export interface Person {
  name: string
  email: string
  /** As the visitor typed it. */
  phone: string
  /** Its digits as stored (E.164 without `+`). */
  phoneDigits: string
  userId: string
  plan: string
  chat: string
  reply: string
  callbackComment: string
  offline: string
  ratingComment: string
  page: string
}

export const ANNA: Person = {
  name: 'Anna Targetova',
  email: 'Anna.Target@Example.com',
  phone: '8 (916) 555-12-34',
  phoneDigits: '79165551234',
  userId: 'crm-anna-7781',
  plan: 'gold-plan-anna',
  chat: 'Where is my order <script>alert("anna")</script> A-77?',
  reply: 'Your order for Anna Targetova ships today',
  callbackComment: 'call me after lunch about order A-77',
  offline: 'Anna offline: please write to my second address',
  ratingComment: 'Anna says quick and kind',
  page: 'https://shop.example/account?who=anna-target',
}

export const BORIS: Person = {
  name: 'Boris Otherov',
  email: 'boris.other@example.com',
  phone: '+7 926 777-00-11',
  phoneDigits: '79267770011',
  userId: 'crm-boris-1200',
  plan: 'silver-plan-boris',
  chat: 'Boris asks about delivery to Tver',
  reply: 'Boris, delivery to Tver takes two days',
  callbackComment: 'Boris: call in the evening',
  offline: 'Boris offline: invoice needed',
  ratingComment: 'Boris liked it',
  page: 'https://shop.example/catalog?who=boris-other',
}

/** Everything a test may search the database for, to prove it is (or is not) there. */
export function needles(person: Person): string[] {
  return [
    person.name,
    person.email.toLowerCase(),
    person.phoneDigits.slice(1),
    person.userId,
    person.plan,
    person.chat,
    person.reply,
    person.callbackComment,
    person.offline,
    person.ratingComment,
    person.page,
  ]
}

export interface World {
  relay: TestRelay
  cookie: string
  operator: TestSocket
  scenarioId: string
}

export interface Seeded {
  visitorId: string
  token: string
  socket: TestSocket
  chatId: string
  welcome: Frame
}

/** A relay with sites `shop` and `other` taking forms, the admin online on a socket. */
export async function buildWorld(now?: () => number): Promise<World> {
  const relay = await injectRelay({
    sites: [
      { id: 'shop', locale: 'ru', agreement: TEMPLATE },
      { id: 'other', locale: 'ru', agreement: TEMPLATE },
    ],
    rateLimit: { burst: 1000, perSecond: 1000 },
    visitorRateLimit: { burst: 1000, perSecond: 1000 },
    ...(now ? { now } : {}),
  })
  const cookie = await relay.login()
  const { socket: operator } = await relay.operator({ cookie })
  const scenario = await createScenario(relay, cookie)
  return { relay, cookie, operator, scenarioId: scenario.id }
}

async function acked(socket: TestSocket, frame: Frame): Promise<Frame> {
  socket.send(frame)
  const reply = await socket.next((f) => (f.t === 'ack' || f.t === 'error') && f.cid === frame.cid)
  if (reply.t === 'error') throw new Error(`${frame.t}: ${reply.code} ${reply.message}`)
  return reply
}

/** A visitor of `site` who does everything a visitor can, through the public surface. */
export async function seedVisitor(world: World, person: Person, site = 'shop'): Promise<Seeded> {
  const { relay, operator } = world
  const { socket, welcome } = await relay.visitor(
    { page: { url: person.page, title: 'Account' } },
    { site },
  )
  await acked(socket, {
    t: 'identify',
    cid: 'i1',
    userId: person.userId,
    name: person.name,
    email: person.email,
    phone: person.phone,
  })
  await acked(socket, { t: 'attributes', cid: 'a1', attributes: { plan: person.plan } })
  if (site === 'shop') {
    await acked(socket, {
      t: 'engage',
      cid: 'g1',
      scenarioId: world.scenarioId,
      event: 'click',
      page: person.page,
      session: `session-${person.userId}`,
    })
  }
  const { conversationId: chatId, id: messageId } = await acked(socket, {
    t: 'send',
    cid: 'm1',
    text: person.chat,
  })
  // A file they sent with it, named after them (as a messenger's photo is stored).
  await relay.app.db.transaction((tx) =>
    relay.stores.attachments.put(tx, {
      id: `a-${site}-${person.userId}`,
      siteId: site,
      conversationId: chatId,
      eventId: messageId,
      name: `${person.name} passport.pdf`,
      contentType: 'application/pdf',
      size: 5 + person.name.length,
      data: Buffer.from(`%PDF-${person.name}`),
      createdAt: 1,
    }),
  )
  // Not acked: the visitor's next acked frame below comes after it is stored.
  socket.send({ t: 'read', conversationId: chatId, seq: 1 })
  await acked(operator, {
    t: 'send',
    cid: `o-${site}-${person.name.length}`,
    conversationId: chatId,
    text: person.reply,
  })
  await acked(operator, {
    t: 'close',
    cid: `x-${site}-${person.name.length}`,
    conversationId: chatId,
  })
  await acked(socket, {
    t: 'rate',
    cid: 'r1',
    conversationId: chatId,
    rating: 4,
    comment: person.ratingComment,
  })
  await acked(socket, {
    t: 'callback',
    cid: 'cb1',
    name: person.name,
    phone: person.phone,
    when: 'asap',
    comment: person.callbackComment,
    consent: CONSENT,
  })
  await acked(socket, {
    t: 'offline',
    cid: 'of1',
    name: person.name,
    email: person.email,
    text: person.offline,
    consent: CONSENT,
  })
  return { visitorId: welcome.visitorId, token: welcome.token, socket, chatId, welcome }
}

/** The relay's SQLite connection, for checks against what is really stored. */
export function rawDb(relay: TestRelay) {
  return (relay.stores.db as SqliteDatabase).raw
}

/** Every table of the database (not SQLite's own) and its columns with their declared types. */
export function tablesOf(relay: TestRelay): Map<string, { name: string; type: string }[]> {
  const db = rawDb(relay)
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    .all() as { name: string }[]
  return new Map(
    tables.map(({ name }) => [
      name,
      db.prepare(`PRAGMA table_info(${JSON.stringify(name)})`).all() as {
        name: string
        type: string
      }[],
    ]),
  )
}

/** `[table.column, value]` of every stored string that contains one of `texts` (any case). */
export function findTexts(relay: TestRelay, texts: readonly string[]): string[] {
  const db = rawDb(relay)
  const hits: string[] = []
  // A text inside a JSON column is stored escaped: look for that spelling too.
  const lower = [...new Set(texts.flatMap((t) => [t, JSON.stringify(t).slice(1, -1)]))].map((t) =>
    t.toLowerCase(),
  )
  for (const [table, columns] of tablesOf(relay)) {
    for (const row of db.prepare(`SELECT * FROM ${JSON.stringify(table)}`).all() as Record<
      string,
      unknown
    >[]) {
      for (const { name } of columns) {
        const value = row[name]
        if (typeof value !== 'string') continue
        const found = lower.find((t) => value.toLowerCase().includes(t))
        if (found) hits.push(`${table}.${name}: ${found}`)
      }
    }
  }
  return hits
}

export { call }
