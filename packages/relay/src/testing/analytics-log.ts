import type { Stores } from '../stores.ts'

/** One thing that happened to a chat, in order. */
export type Step =
  | { t: 'visitor'; at: number }
  /** A message of an operator: a person's, or a bot's when `operatorId` is a bot. */
  | { t: 'operator'; at: number; operatorId: string }
  | { t: 'queued'; at: number }
  | { t: 'assigned'; at: number; operatorId: string }
  | { t: 'transferred'; at: number }
  | { t: 'close'; at: number; operatorId: string }

/** A chat as a test writes it: its first step is the visitor's message that opens it. */
export interface ChatSpec {
  id: string
  visitorId: string
  group: string | null
  steps: Step[]
  /** Given after the close (only for closed chats). */
  rating?: number
  /** Default `shop`. */
  siteId?: string
  /** Default `chat`; a callback or offline message is its first step only. */
  kind?: 'chat' | 'callback' | 'offline'
  page?: string
  contact?: { phone?: string; email?: string }
  /** The scenario whose invitation brought it (a conversion at its start). */
  scenarioId?: string
  /** The messenger the visitor writes from (absent: the site's widget). */
  channel?: 'telegram' | 'vk' | 'viber'
}

/** Writes the chats into the stores as the relay would: events, routing log, rating. */
export async function writeChats(stores: Stores, chats: readonly ChatSpec[]): Promise<void> {
  let n = 0
  for (const chat of chats) {
    await stores.db.transaction(async (tx) => {
      for (const step of chat.steps) {
        n++
        const id = `${chat.id}-e${n}`
        if (step.t === 'visitor') {
          const first = step === chat.steps[0]
          const siteId = chat.siteId ?? 'shop'
          await stores.conversations.append(tx, {
            id,
            authorKey: `visitor:${siteId}:${chat.visitorId}`,
            author: { kind: 'visitor', id: chat.visitorId },
            kind: 'message',
            text: 'question',
            at: step.at,
            target: first
              ? {
                  create: {
                    siteId,
                    visitorId: chat.visitorId,
                    kind: chat.kind ?? 'chat',
                    ...(chat.page !== undefined && { page: chat.page }),
                    ...(chat.contact !== undefined && { contact: chat.contact }),
                  },
                }
              : { conversationId: chat.id },
            newConversationId: chat.id,
            ...(first && chat.channel !== undefined && { opening: { channel: chat.channel } }),
          })
          if (first && chat.scenarioId !== undefined) {
            await stores.scenarios.recordEngagement(tx, {
              id: `${chat.id}-conversion`,
              siteId,
              visitorId: chat.visitorId,
              scenarioId: chat.scenarioId,
              event: 'conversion',
              at: step.at,
              kind: chat.kind ?? 'chat',
              conversationId: chat.id,
            })
          }
          if (first && chat.group !== null) {
            await stores.groups.assign(tx, chat.id, { groupId: chat.group, operator: null })
          }
        } else if (step.t === 'operator') {
          await stores.conversations.append(tx, {
            id,
            authorKey: `operator:${step.operatorId}`,
            author: { kind: 'operator', id: step.operatorId, name: step.operatorId },
            kind: 'message',
            text: 'answer',
            at: step.at,
            target: { conversationId: chat.id },
            newConversationId: chat.id,
          })
        } else if (step.t === 'close') {
          await stores.conversations.append(tx, {
            id,
            authorKey: `operator:${step.operatorId}`,
            author: { kind: 'system' },
            kind: 'system',
            text: '',
            data: { type: 'closed', operatorId: step.operatorId, operator: step.operatorId },
            at: step.at,
            target: { conversationId: chat.id },
            newConversationId: chat.id,
            close: true,
          })
        } else {
          await stores.groups.log(tx, {
            conversationId: chat.id,
            type: step.t,
            ...(step.t === 'assigned' && { operatorId: step.operatorId }),
            at: step.at,
          })
        }
      }
      const last = chat.steps.at(-1)!
      if (chat.rating !== undefined && last.t === 'close') {
        await stores.conversations.append(tx, {
          id: `${chat.id}-rated`,
          authorKey: `visitor:shop:${chat.visitorId}`,
          author: { kind: 'visitor', id: chat.visitorId },
          kind: 'system',
          text: '',
          data: { type: 'rated', rating: String(chat.rating) },
          at: last.at,
          target: { conversationId: chat.id },
          newConversationId: chat.id,
          rating: { rating: chat.rating },
        })
      }
    })
  }
}

/** What the definitions (`METRICS`) say of one chat, worked out here step by step. */
export interface ChatFacts {
  owner: string | null
  accepted: boolean
  closed: boolean
  transferred: boolean
  firstFromAssignment: number | null
  firstFromQueue: number | null
  responses: number[]
  handle: number | null
  resolution: number | null
  rating: number | null
}

/**
 * The definitions of `METRICS` applied to a chat in plain code, independently of the SQL:
 * the expected values of the property tests.
 */
export function factsOf(chat: ChatSpec, bots: ReadonlySet<string>): ChatFacts {
  const steps = chat.steps
  const createdAt = steps[0]!.at
  const isPerson = (s: Step) => s.t === 'operator' && !bots.has(s.operatorId)
  const firstIndex = steps.findIndex(isPerson)
  const first = firstIndex >= 0 ? (steps[firstIndex] as { at: number; operatorId: string }) : null
  const routing = steps.filter(
    (s) => s.t === 'queued' || s.t === 'assigned' || s.t === 'transferred',
  )
  const routedAt = routing.length > 0 ? Math.min(...routing.map((s) => s.at)) : createdAt
  const botBefore = steps
    .slice(0, Math.max(firstIndex, 0))
    .filter((s) => s.t === 'operator' && bots.has(s.operatorId))
    .map((s) => s.at)
  let wait = Math.max(routedAt, ...botBefore)
  if (first && wait > first.at) wait = first.at
  const assignedTimes = first
    ? steps
        .filter((s) => s.t === 'assigned' && s.operatorId === first.operatorId && s.at <= first.at)
        .map((s) => s.at)
    : []
  const assignedAt = assignedTimes.length > 0 ? Math.max(...assignedTimes) : wait
  const lastAssigned = steps.filter((s) => s.t === 'assigned').at(-1) as
    | { operatorId: string }
    | undefined
  const close = steps.find((s) => s.t === 'close')
  const responses: number[] = []
  let asked: number | null = null
  for (const s of steps) {
    if (s.t === 'visitor') asked ??= s.at
    else if (isPerson(s)) {
      if (asked !== null) responses.push(s.at - Math.max(asked, wait))
      asked = null
    }
  }
  const done = first !== null && close !== undefined
  return {
    owner: first?.operatorId ?? lastAssigned?.operatorId ?? null,
    accepted: first !== null,
    closed: close !== undefined,
    transferred: steps.some((s) => s.t === 'transferred'),
    firstFromAssignment: first ? first.at - assignedAt : null,
    firstFromQueue: first ? first.at - wait : null,
    responses,
    handle: done ? close.at - assignedAt : null,
    resolution: done ? close.at - wait : null,
    rating: done && chat.rating !== undefined ? chat.rating : null,
  }
}
