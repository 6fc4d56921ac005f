import { type Static, type TSchema, Type } from '@sinclair/typebox'
import {
  ClientId,
  ConversationEvent,
  ConversationKind,
  ConversationStatus,
  ConversationSummary,
  Id,
  Seq,
  Timestamp,
} from './common.ts'

/*
 * The REST API for integrations (`/v1/integrations/...`): keyset-paginated lists and posting an
 * operator message from outside. A list is ordered by (updated time, id), oldest first; its
 * `nextCursor` names the last row the page covered, so a write during the walk moves the row
 * it changed to the end (seen again, never skipped) and never shifts the others.
 */

/** Most items one page holds. */
export const MAX_PAGE_LIMIT = 200

const PageQuery = {
  cursor: Type.Optional(
    Type.String({
      maxLength: 512,
      description: 'The `nextCursor` of the previous page; absent: from the beginning',
    }),
  ),
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: MAX_PAGE_LIMIT, default: 50, description: 'Page size' }),
  ),
  updatedSince: Type.Optional(
    Type.Integer({ minimum: 0, description: 'Only rows updated at or after this epoch ms' }),
  ),
  siteId: Type.Optional(Type.String({ maxLength: 64, description: 'Only this site' })),
}

/** `GET /v1/integrations/conversations` and `/leads`. */
export const IntegrationConversationQuery = Type.Object({
  ...PageQuery,
  status: Type.Optional(ConversationStatus),
  channel: Type.Optional(ConversationKind),
})
export type IntegrationConversationQuery = Static<typeof IntegrationConversationQuery>

/** `GET /v1/integrations/messages`: events of kind `message`, by time (`updatedSince` is `at`). */
export const IntegrationMessageQuery = Type.Object({
  ...PageQuery,
  conversationId: Type.Optional(Type.String({ maxLength: 64 })),
})
export type IntegrationMessageQuery = Static<typeof IntegrationMessageQuery>

/** `GET /v1/integrations/visitors`. */
export const IntegrationVisitorQuery = Type.Object(PageQuery)
export type IntegrationVisitorQuery = Static<typeof IntegrationVisitorQuery>

/** A page: its items, and the cursor of the next page (`null`: this was the last one). */
export function Page<T extends TSchema>(item: T, description: string) {
  return Type.Object(
    {
      items: Type.Array(item),
      nextCursor: Type.Union([Type.String(), Type.Null()], {
        description:
          'Pass as `cursor` for the next page; null at the end. A page may hold fewer than `limit` items (rows you may not see are skipped) and still have a next one.',
      }),
    },
    { description },
  )
}

export const ConversationPage = Page(ConversationSummary, 'Conversations, oldest update first')
export type ConversationPage = Static<typeof ConversationPage>
export const MessagePage = Page(ConversationEvent, 'Messages, oldest first')
export type MessagePage = Static<typeof MessagePage>

/** How a lead was left: a callback request, an offline message, or a contact given in a chat. */
export const LeadKind = Type.Union([
  Type.Literal('callback'),
  Type.Literal('offline'),
  Type.Literal('chat-contact'),
])
export type LeadKind = Static<typeof LeadKind>

/** A lead: one conversation that carries a way to reach the visitor. */
export const Lead = Type.Object({
  /** The conversation's id (a lead is one conversation). */
  id: Id,
  kind: LeadKind,
  siteId: Id,
  visitorId: Id,
  status: ConversationStatus,
  name: Type.Optional(Type.String()),
  /** E.164. */
  phone: Type.Optional(Type.String()),
  email: Type.Optional(Type.String()),
  /** The offline message's text or the callback's comment. */
  message: Type.Optional(Type.String()),
  /** Callback: `asap` or the chosen slot's start (epoch ms, as a string). */
  when: Type.Optional(Type.String()),
  page: Type.Optional(Type.String()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
})
export type Lead = Static<typeof Lead>
export const LeadPage = Page(Lead, 'Leads, oldest update first')
export type LeadPage = Static<typeof LeadPage>

/** A visitor's profile as integrations read it. */
export const VisitorRecord = Type.Object({
  siteId: Id,
  id: Id,
  /** The site's own user id, from `identify`. */
  userId: Type.Optional(Type.String()),
  /** `identify` came with a valid hash of `userId`. */
  verified: Type.Boolean(),
  name: Type.Optional(Type.String()),
  phone: Type.Optional(Type.String()),
  email: Type.Optional(Type.String()),
  attributes: Type.Record(
    Type.String(),
    Type.Union([Type.String(), Type.Number(), Type.Boolean()]),
  ),
  createdAt: Timestamp,
  updatedAt: Timestamp,
})
export type VisitorRecord = Static<typeof VisitorRecord>
export const VisitorPage = Page(VisitorRecord, 'Visitor profiles, oldest update first')
export type VisitorPage = Static<typeof VisitorPage>

/** `POST /v1/conversations/:id/messages`: an operator message, deduplicated by `cid`. */
export const PostMessageBody = Type.Object(
  {
    cid: ClientId,
    text: Type.String({ maxLength: 1_000_000 }),
  },
  { additionalProperties: false },
)
export type PostMessageBody = Static<typeof PostMessageBody>

/** What a posted message got (a repeated `cid`: the first message's). */
export const PostMessageReply = Type.Object({
  cid: ClientId,
  id: Id,
  conversationId: Id,
  seq: Seq,
  at: Timestamp,
})
export type PostMessageReply = Static<typeof PostMessageReply>

/**
 * `data` of a `lead.created` outbox event (webhooks, Bitrix24, amoCRM): everything a CRM needs to
 * make a lead without calling back. Written when a callback or offline form is stored, and when a
 * chat's visitor first leaves a phone or email.
 */
export const LeadCreatedData = Type.Object({
  kind: LeadKind,
  conversationId: Id,
  siteId: Id,
  visitorId: Id,
  name: Type.Optional(Type.String()),
  /** E.164. */
  phone: Type.Optional(Type.String()),
  email: Type.Optional(Type.String()),
  /** The offline message, or the callback's comment. */
  message: Type.Optional(Type.String()),
  /** Callback: `asap` or the slot's start (epoch ms, as a string). */
  when: Type.Optional(Type.String()),
  /** The page the visitor was on. */
  page: Type.Optional(Type.String()),
  /** The conversation in the console: `<public url>/console/#conversation=<id>`. */
  consoleUrl: Type.String(),
  /** The conversation so far as plain text, one line per event (`[time] Who: text`). */
  transcript: Type.String(),
})
export type LeadCreatedData = Static<typeof LeadCreatedData>
