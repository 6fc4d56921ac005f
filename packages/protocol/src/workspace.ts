import { type Static, Type } from '@sinclair/typebox'
import {
  ConversationKind,
  ConversationStatus,
  ConversationSummary,
  LeadStatus,
  Timestamp,
} from './common.ts'
import { ConsentForm } from './privacy.ts'
import { VisitRegion } from './visitor.ts'

/** Longest tag, in characters. */
export const MAX_TAG_LENGTH = 32
/** Most tags on one conversation. */
export const MAX_TAGS = 10

/** A tag given when closing: 1..32 characters, stored trimmed and in lower case. */
export const Tag = Type.String({ minLength: 1, maxLength: MAX_TAG_LENGTH })

/** A page the visitor opened. */
export const VisitedPage = Type.Object({
  url: Type.String(),
  title: Type.Optional(Type.String()),
  at: Timestamp,
})
export type VisitedPage = Static<typeof VisitedPage>

/**
 * `GET /v1/conversations/:id/visitor`: who the conversation's visitor is, for the operator's
 * visitor card. Visible to whoever may see the conversation.
 */
export const VisitorCardReply = Type.Object({
  visitor: Type.Object({
    id: Type.String(),
    name: Type.Optional(Type.String()),
    /** E.164. */
    phone: Type.Optional(Type.String()),
    email: Type.Optional(Type.String()),
    /** The site's own id for them (`identify`). */
    userId: Type.Optional(Type.String()),
    /** `identify` came with a valid signature of `userId`. */
    verified: Type.Boolean(),
    /** From `setAttributes`. */
    attributes: Type.Record(
      Type.String(),
      Type.Union([Type.String(), Type.Number(), Type.Boolean()]),
    ),
  }),
  /** Where the conversation happens: `web` (the widget), or its messenger (`telegram`, `vk`…). */
  channel: Type.String(),
  /** The page of their latest widget connection. */
  currentPage: Type.Optional(VisitedPage),
  /** Pages they opened, newest first (at most 20). */
  pages: Type.Array(VisitedPage),
  region: Type.Optional(VisitRegion),
  /** `utm_source` of the latest page that had one. */
  utmSource: Type.Optional(Type.String()),
  referrer: Type.Optional(Type.String()),
  /** The engagement scenario this conversation came from. */
  scenario: Type.Optional(Type.Object({ id: Type.String(), name: Type.Optional(Type.String()) })),
  /** Consents they gave, oldest first. */
  consents: Type.Array(
    Type.Object({
      agreementVersion: Type.String(),
      form: ConsentForm,
      at: Timestamp,
      withdrawnAt: Type.Optional(Timestamp),
    }),
  ),
  /** Their other conversations you may see, newest first (at most 20). */
  conversations: Type.Array(
    Type.Object({
      id: Type.String(),
      kind: ConversationKind,
      status: ConversationStatus,
      createdAt: Timestamp,
      lastText: Type.Optional(Type.String()),
    }),
  ),
})
export type VisitorCardReply = Static<typeof VisitorCardReply>

/** `PATCH /v1/conversations/:id/lead`: a key left out keeps its value; `assigneeId: null` clears it. */
export const LeadBody = Type.Object(
  {
    status: Type.Optional(LeadStatus),
    assigneeId: Type.Optional(
      Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()]),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
)
export type LeadBody = Static<typeof LeadBody>

/** `PATCH /v1/conversations/:id/lead`: the summary as it is now. */
export const ConversationReply = Type.Object({ conversation: ConversationSummary })
export type ConversationReply = Static<typeof ConversationReply>
