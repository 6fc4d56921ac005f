import type { Stores } from '../../stores.ts'
import { NO_PASSWORD } from '../employees/store.ts'
import { localMidnight } from './period.ts'

/** What `seedHistory` writes. */
export interface SeedOptions {
  siteId: string
  /** Routing groups to spread the chats over (ids of the site's groups). */
  groupIds: readonly string[]
  /** The site's time zone: working days and hours are local. */
  timeZone: string
  /** Days of history, ending with the day before `now`. */
  days: number
  /** Chats on an ordinary weekday (weekends get fewer). */
  perDay: number
  now: number
  /** PRNG seed: the same seed writes the same history. */
  seed?: number
  /** Called after each day is written (progress). */
  onDay?: (day: number, conversations: number) => void
}

/** The operators of the history: deactivated, so they take no seat. */
export const HISTORY_OPERATORS = [
  { id: 'hist_olga', name: 'Olga Petrova' },
  { id: 'hist_ivan', name: 'Ivan Sokolov' },
  { id: 'hist_maria', name: 'Maria Kuznetsova' },
  { id: 'hist_timur', name: 'Timur Aliev' },
] as const

const PAGES = [
  'https://chai-and-co.example/',
  'https://chai-and-co.example/catalog/green',
  'https://chai-and-co.example/catalog/oolong',
  'https://chai-and-co.example/catalog/gifts',
  'https://chai-and-co.example/delivery',
  'https://chai-and-co.example/cart',
]
const SOURCES = [null, null, null, 'newsletter', 'yandex', 'vk', 'telegram']
const QUESTIONS = [
  'Hi! Do you deliver to Kazan?',
  'Which oolong would you suggest for a beginner?',
  'Can I change my order?',
  'Is the gift box in stock?',
  'How long does delivery take?',
  'Do you have anything without caffeine?',
]
const ANSWERS = [
  'Hello! Yes, we do — 2 to 4 days.',
  'I would start with a milky oolong: soft and sweet.',
  'Of course, what would you like to change?',
  'Yes, and we can add a card with your message.',
  'Usually two days in Moscow, four elsewhere.',
  'Our rooibos and herbal blends have none.',
]

/** A small, seeded PRNG (mulberry32). */
function random(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    /** Exponentially distributed, mean `mean`. */
    exp: (mean: number) => Math.round(-Math.log(1 - next()) * mean),
  }
}

const HOUR = 3_600_000
const DAY = 24 * HOUR

/**
 * Writes `days` weeks of realistic history into the stores: chats through the day (busier
 * midday, fewer at weekends) routed to the groups, answered after a wait, a few exchanges,
 * closed, some rated; some missed and some transferred; callbacks and offline messages with
 * contacts; scenario invitations shown, clicked and converted; the operators' working days
 * in the status log. Deterministic for a seed. Returns the conversations written.
 */
export async function seedHistory(stores: Stores, options: SeedOptions): Promise<number> {
  const rnd = random(options.seed ?? 1)
  const { siteId, timeZone, groupIds } = options
  if (groupIds.length === 0) throw new Error('seedHistory needs at least one group')
  await stores.db.transaction(async (tx) => {
    for (const op of HISTORY_OPERATORS) {
      if (await stores.employees.get(op.id, tx)) continue
      await stores.employees.create(tx, {
        id: op.id,
        email: `${op.id}@history.parley.invalid`,
        name: op.name,
        role: 'operator',
        passwordHash: NO_PASSWORD,
        createdAt: options.now - (options.days + 1) * DAY,
      })
      await stores.employees.setActive(tx, op.id, false)
    }
  })
  const today = localMidnight(Math.floor(options.now / DAY) * DAY, timeZone)
  let written = 0
  let serial = 0
  for (let d = options.days; d >= 1; d--) {
    const dayStart = localMidnight(Math.floor((today - d * DAY + 12 * HOUR) / DAY) * DAY, timeZone)
    const weekday = new Date(dayStart + 12 * HOUR).getUTCDay()
    const weekend = weekday === 0 || weekday === 6
    const count = Math.round(options.perDay * (weekend ? 0.55 : 1) * (0.8 + rnd.next() * 0.4))
    const onShift = HISTORY_OPERATORS.filter((_, i) => !weekend || i % 2 === 0)
    let dayCount = 0
    await stores.db.transaction(async (tx) => {
      for (const op of onShift) {
        await stores.analytics.logStatus(tx, op.id, 'online', dayStart + 9 * HOUR)
        await stores.analytics.logStatus(tx, op.id, 'pause', dayStart + 13 * HOUR)
        await stores.analytics.logStatus(tx, op.id, 'online', dayStart + 13 * HOUR + 45 * 60_000)
        await stores.analytics.logStatus(tx, op.id, 'offline', dayStart + 21 * HOUR)
      }
      for (let i = 0; i < count; i++) {
        // Arrivals between 09:00 and 21:00, busiest around 13:00–16:00.
        const hour =
          9 + Math.min(11.99, Math.max(0, 5.5 + (rnd.next() + rnd.next() + rnd.next() - 1.5) * 5))
        let at = dayStart + Math.floor(hour * HOUR)
        const id = `hist_${options.seed ?? 1}_${serial++}`
        const visitorId = `hv_${serial}`
        const source = rnd.pick(SOURCES)
        const pageBase = rnd.pick(PAGES)
        const page = source ? `${pageBase}?utm_source=${source}` : pageBase
        const groupId = rnd.pick(groupIds)
        const roll = rnd.next()
        if (roll < 0.06 || roll > 0.97) {
          // A callback request or an offline message: a lead with a contact.
          const kind = roll < 0.06 ? 'callback' : 'offline'
          const phone = `+7916${String(rnd.int(1_000_000, 9_999_999))}`
          await stores.conversations.append(tx, {
            id: `${id}_f`,
            authorKey: `visitor:${siteId}:${visitorId}`,
            author: { kind: 'visitor', id: visitorId },
            kind: 'form',
            text: kind === 'callback' ? 'Call me back' : 'A question while you were away',
            data: { phone },
            at,
            target: { create: { siteId, visitorId, kind, page, contact: { phone } } },
            newConversationId: id,
          })
          await stores.groups.assign(tx, id, { groupId, operator: null })
          written++
          dayCount++
          continue
        }
        const scenario = pageBase.includes('/catalog') && rnd.next() < 0.3
        if (scenario) {
          for (const event of ['impression', 'click'] as const) {
            await stores.scenarios.recordEngagement(tx, {
              id: `${id}_${event}`,
              siteId,
              visitorId,
              scenarioId: 'gift-help',
              event,
              page,
              at: at - (event === 'impression' ? 20_000 : 5_000),
            })
          }
        }
        let seq = 0
        const say = async (who: 'visitor' | string, text: string, when: number) => {
          seq++
          await stores.conversations.append(tx, {
            id: `${id}_${seq}`,
            authorKey: who === 'visitor' ? `visitor:${siteId}:${visitorId}` : `operator:${who}`,
            author:
              who === 'visitor'
                ? { kind: 'visitor', id: visitorId }
                : { kind: 'operator', id: who, name: who },
            kind: 'message',
            text,
            at: when,
            target:
              seq === 1
                ? { create: { siteId, visitorId, kind: 'chat', page } }
                : { conversationId: id },
            newConversationId: id,
          })
        }
        const q = rnd.int(0, QUESTIONS.length - 1)
        await say('visitor', QUESTIONS[q]!, at)
        if (scenario) {
          await stores.scenarios.recordEngagement(tx, {
            id: `${id}_conv`,
            siteId,
            visitorId,
            scenarioId: 'gift-help',
            event: 'conversion',
            kind: 'chat',
            conversationId: id,
            page,
            at,
          })
        }
        const operator = rnd.pick(onShift.length > 0 ? onShift : HISTORY_OPERATORS)
        const missed = rnd.next() < 0.07
        const wait = rnd.exp(missed ? 240_000 : 25_000)
        if (wait > 2_000 || missed) {
          await stores.groups.log(tx, {
            conversationId: id,
            type: 'queued',
            groupId,
            reason: 'all_full',
            at,
          })
        }
        if (missed) {
          // Half of them were offered to someone who did not answer in time.
          if (rnd.next() < 0.5) {
            await stores.groups.log(tx, {
              conversationId: id,
              type: 'assigned',
              reason: 'routed',
              groupId,
              operatorId: operator.id,
              at: at + 1_000,
            })
            await stores.groups.log(tx, {
              conversationId: id,
              type: 'unassigned',
              reason: 'timed_out',
              operatorId: operator.id,
              at: at + 61_000,
            })
          }
          await stores.groups.assign(tx, id, { groupId, operator: null })
          await closeBy(stores, tx, id, operator.id, operator.name, at + wait + 60_000)
          written++
          dayCount++
          continue
        }
        at += wait
        await stores.groups.assign(tx, id, {
          groupId,
          operator: { id: operator.id, name: operator.name },
        })
        await stores.groups.log(tx, {
          conversationId: id,
          type: 'assigned',
          reason: 'routed',
          groupId,
          operatorId: operator.id,
          at,
        })
        at += 4_000 + rnd.exp(35_000)
        await say(operator.id, ANSWERS[q]!, at)
        const exchanges = rnd.int(1, 4)
        for (let k = 0; k < exchanges; k++) {
          at += 10_000 + rnd.exp(50_000)
          await say('visitor', 'Thanks, and one more thing…', at)
          at += 5_000 + rnd.exp(40_000)
          await say(operator.id, 'Sure — here you are.', at)
        }
        if (rnd.next() < 0.05) {
          await stores.groups.log(tx, {
            conversationId: id,
            type: 'transferred',
            byId: operator.id,
            at,
          })
        }
        at += 20_000 + rnd.exp(90_000)
        await closeBy(stores, tx, id, operator.id, operator.name, at)
        if (rnd.next() < 0.38) {
          const r = rnd.next()
          const rating = r < 0.55 ? 5 : r < 0.8 ? 4 : r < 0.9 ? 3 : r < 0.95 ? 2 : 1
          await stores.conversations.append(tx, {
            id: `${id}_rated`,
            authorKey: `visitor:${siteId}:${visitorId}`,
            author: { kind: 'visitor', id: visitorId },
            kind: 'system',
            text: '',
            data: { type: 'rated', rating: String(rating) },
            at: at + 30_000,
            target: { conversationId: id },
            newConversationId: id,
            rating: { rating },
          })
        }
        written++
        dayCount++
      }
    })
    options.onDay?.(options.days - d + 1, dayCount)
  }
  return written
}

async function closeBy(
  stores: Stores,
  tx: Parameters<Parameters<Stores['db']['transaction']>[0]>[0],
  id: string,
  operatorId: string,
  name: string,
  at: number,
): Promise<void> {
  await stores.conversations.append(tx, {
    id: `${id}_closed`,
    authorKey: `operator:${operatorId}`,
    author: { kind: 'system' },
    kind: 'system',
    text: '',
    data: { type: 'closed', operatorId, operator: name },
    at,
    target: { conversationId: id },
    newConversationId: id,
    close: true,
  })
}
