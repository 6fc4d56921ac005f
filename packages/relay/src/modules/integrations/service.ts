import type {
  ConversationEvent,
  ConversationKind,
  ConversationPage,
  ConversationSummary,
  IntegrationConversationQuery,
  IntegrationMessageQuery,
  IntegrationVisitorQuery,
  Lead,
  LeadPage,
  MessagePage,
  VisitorPage,
  VisitorRecord,
} from '@parley/protocol'
import type { OperatorActor } from '../conversations/actor.ts'
import type { ConversationService } from '../conversations/service.ts'
import { leadOfConversation } from '../crm/lead-data.ts'
import type { VisitorProfiles } from '../visitors/profiles.ts'
import type { VisitorProfile } from '../visitors/store.ts'
import { decodeCursor, encodeCursor, type PageKey, scanPage } from './page.ts'

/** `limit` as the schema's default fills it in. */
type Limited<Q> = Q & { limit?: number }

const DEFAULT_LIMIT = 50

/**
 * The lists integrations read: keyset pages of conversations, messages, leads and visitor
 * profiles. Conversations, messages and leads are filtered by what the caller may see
 * (`ConversationService.visibleTo`, routing's `canSee`); a page may so hold fewer than `limit`.
 */
export class IntegrationService {
  constructor(
    private readonly options: { conversations: ConversationService; visitors: VisitorProfiles },
  ) {}

  async conversationPage(
    viewer: OperatorActor,
    query: Limited<IntegrationConversationQuery>,
  ): Promise<ConversationPage> {
    const { conversations } = this.options
    const page = await scanPage({
      after: decodeCursor(query.cursor, 1),
      limit: query.limit ?? DEFAULT_LIMIT,
      fetch: (after, limit) =>
        conversations.page({
          ...filters(query),
          kinds: query.channel ? [query.channel] : undefined,
          after: after && { at: after[0], id: after[1]! },
          limit,
        }),
      keyOf: (c) => [c.updatedAt, c.id],
      select: async (rows) => rows.map((c) => (conversations.visibleTo(viewer, c) ? c : undefined)),
    })
    return { items: page.items, nextCursor: cursorOf(page.next) }
  }

  async messagePage(
    viewer: OperatorActor,
    query: Limited<IntegrationMessageQuery>,
  ): Promise<MessagePage> {
    const { conversations } = this.options
    // A named conversation must be visible (`conversation_not_found`, as everywhere else).
    if (query.conversationId !== undefined) {
      await conversations.authorise(viewer, query.conversationId)
    }
    const seen = new Map<string, boolean>()
    const visible = async (event: ConversationEvent) => {
      let ok = seen.get(event.conversationId)
      if (ok === undefined) {
        const conversation = await conversations.get(event.conversationId)
        ok = conversation !== undefined && conversations.visibleTo(viewer, conversation)
        seen.set(event.conversationId, ok)
      }
      return ok
    }
    const page = await scanPage({
      after: decodeCursor(query.cursor, 1),
      limit: query.limit ?? DEFAULT_LIMIT,
      fetch: (after, limit) =>
        conversations.messagePage({
          since: query.updatedSince,
          siteId: query.siteId,
          conversationId: query.conversationId,
          after: after && { at: after[0], id: after[1]! },
          limit,
        }),
      keyOf: (e) => [e.at, e.id],
      select: async (rows) => {
        const kept: (ConversationEvent | undefined)[] = []
        for (const event of rows) kept.push((await visible(event)) ? event : undefined)
        return kept
      },
    })
    return { items: page.items, nextCursor: cursorOf(page.next) }
  }

  /**
   * Callback requests and offline messages (their form's fields), and chats whose visitor left
   * a phone or email (pre-chat, identify), by the conversation's last update.
   */
  async leadPage(
    viewer: OperatorActor,
    query: Limited<IntegrationConversationQuery>,
  ): Promise<LeadPage> {
    const { conversations } = this.options
    const kinds: ConversationKind[] = query.channel
      ? [query.channel]
      : ['callback', 'offline', 'chat']
    const page = await scanPage({
      after: decodeCursor(query.cursor, 1),
      limit: query.limit ?? DEFAULT_LIMIT,
      fetch: (after, limit) =>
        conversations.page({
          ...filters(query),
          kinds,
          after: after && { at: after[0], id: after[1]! },
          limit,
        }),
      keyOf: (c) => [c.updatedAt, c.id],
      select: async (rows) => {
        const leads: (Lead | undefined)[] = []
        for (const c of rows) {
          leads.push(conversations.visibleTo(viewer, c) ? await this.leadOf(c) : undefined)
        }
        return leads
      },
    })
    return { items: page.items, nextCursor: cursorOf(page.next) }
  }

  /** The lead a conversation carries, if any (`leadOfConversation`, with its first form). */
  async leadOf(c: ConversationSummary): Promise<Lead | undefined> {
    const form =
      (c.kind ?? 'chat') === 'chat' ? undefined : await this.options.conversations.firstForm(c.id)
    return leadOfConversation(c, form?.data)
  }

  async visitorPage(query: Limited<IntegrationVisitorQuery>): Promise<VisitorPage> {
    const page = await scanPage({
      after: decodeCursor(query.cursor, 2),
      limit: query.limit ?? DEFAULT_LIMIT,
      fetch: (after, limit) =>
        this.options.visitors.page({
          updatedSince: query.updatedSince,
          siteId: query.siteId,
          after: after && { at: after[0], siteId: after[1]!, id: after[2]! },
          limit,
        }),
      keyOf: (v) => [v.updatedAt, v.siteId, v.id],
      select: async (rows) => rows.map(toRecord),
    })
    return { items: page.items, nextCursor: cursorOf(page.next) }
  }
}

function filters(query: IntegrationConversationQuery) {
  return { updatedSince: query.updatedSince, siteId: query.siteId, status: query.status }
}

function cursorOf(key: PageKey | null): string | null {
  return key === null ? null : encodeCursor(key)
}

function toRecord(profile: VisitorProfile): VisitorRecord {
  const record: VisitorRecord = {
    siteId: profile.siteId,
    id: profile.id,
    verified: profile.verified,
    attributes: profile.attributes,
    createdAt: profile.createdAt,
    updatedAt: profile.updatedAt,
  }
  if (profile.userId !== undefined) record.userId = profile.userId
  if (profile.name !== undefined) record.name = profile.name
  if (profile.phone !== undefined) record.phone = profile.phone
  if (profile.email !== undefined) record.email = profile.email
  return record
}
