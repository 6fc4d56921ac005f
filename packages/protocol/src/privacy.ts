import { type Static, type TSchema, Type } from '@sinclair/typebox'
import { ClientId, Timestamp } from './common.ts'

/**
 * The privacy tools' REST payloads (`/v1/privacy/*`): the consent register, agreement texts
 * by version, data subjects (find, export, erase), consent withdrawal, retention and the
 * audit log. `privacy:read` reads the register and the audit log; `privacy:manage` does the
 * rest. Visitor frames `withdraw_consent` and `forget` are in `visitor.ts`.
 */

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])
const NullableTime = Type.Union([Timestamp, Type.Null()])

export const ConsentForm = Type.Union([
  Type.Literal('callback'),
  Type.Literal('offline'),
  Type.Literal('prechat'),
])
export type ConsentForm = Static<typeof ConsentForm>

/** One consent as the register shows it. Erased consents keep the fact, not the IP. */
export const ConsentEntry = Type.Object({
  id: Type.String(),
  siteId: Type.String(),
  visitorId: Type.String(),
  agreementVersion: Type.String(),
  form: ConsentForm,
  at: Timestamp,
  ip: Nullable(Type.String()),
  withdrawnAt: NullableTime,
  withdrawnBy: Type.Union([Type.Literal('visitor'), Type.Literal('admin'), Type.Null()]),
  /** The visitor's data was erased; this row stays as the record that consent was given. */
  erased: Type.Boolean(),
})
export type ConsentEntry = Static<typeof ConsentEntry>

const Limit = Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 }))
const Cursor = Type.Optional(
  Type.String({ maxLength: 200, description: 'nextCursor of the previous page' }),
)

/** `GET /v1/privacy/consents` and `consents.csv`. `[from, to)` in epoch ms. */
export const ConsentQuery = Type.Object({
  visitorId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  contact: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 256,
      description: "The visitor's e-mail (any case) or phone (any format: digits are compared)",
    }),
  ),
  siteId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  from: Type.Optional(Timestamp),
  to: Type.Optional(Timestamp),
  cursor: Cursor,
  limit: Limit,
})
export type ConsentQuery = Static<typeof ConsentQuery>

export const ConsentPage = Type.Object({
  consents: Type.Array(ConsentEntry),
  nextCursor: Nullable(Type.String()),
})
export type ConsentPage = Static<typeof ConsentPage>

export const AgreementParams = Type.Object({
  siteId: Type.String({ minLength: 1, maxLength: 64 }),
  version: Type.String({ minLength: 1, maxLength: 64 }),
})
export type AgreementParams = Static<typeof AgreementParams>

/** The agreement as rendered at that version (plain text, ru: the text the version hashes). */
export const AgreementVersionText = Type.Object({
  siteId: Type.String(),
  version: Type.String(),
  text: Type.String(),
  firstSeenAt: Timestamp,
})
export type AgreementVersionText = Static<typeof AgreementVersionText>

export const ConsentParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) })
export type ConsentParams = Static<typeof ConsentParams>

/** Why personal data was touched, for the audit log: 1–500 characters. */
export const Reason = Type.String({ minLength: 1, maxLength: 500 })

export const ReasonBody = Type.Object({ reason: Reason })
export type ReasonBody = Static<typeof ReasonBody>

export const SubjectQuery = Type.Object({
  query: Type.Optional(
    Type.String({
      maxLength: 256,
      description: 'A visitor id, an e-mail, or a phone in any format; empty finds nobody',
    }),
  ),
})
export type SubjectQuery = Static<typeof SubjectQuery>

/** A visitor found by id or contact: what is held, in short. */
export const Subject = Type.Object({
  visitorId: Type.String(),
  siteId: Type.String(),
  name: Nullable(Type.String()),
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  firstSeenAt: NullableTime,
  lastSeenAt: NullableTime,
  conversations: Type.Integer({ minimum: 0 }),
  consents: Type.Integer({ minimum: 0 }),
})
export type Subject = Static<typeof Subject>

export const SubjectList = Type.Object({ subjects: Type.Array(Subject) })
export type SubjectList = Static<typeof SubjectList>

export const SubjectParams = Type.Object({
  siteId: Type.String({ minLength: 1, maxLength: 64 }),
  visitorId: Type.String({ minLength: 1, maxLength: 64 }),
})
export type SubjectParams = Static<typeof SubjectParams>

/** What an erasure did: rows changed per table (`events`, `visitors`, `consents`, …). */
export const Erasure = Type.Object({
  erasedAt: Timestamp,
  counts: Type.Record(Type.String(), Type.Integer({ minimum: 0 })),
})
export type Erasure = Static<typeof Erasure>

/** The whole export (`…/export`); tables are listed as stored, one array of rows each. */
export const SubjectExport = Type.Object({
  exportedAt: Timestamp,
  siteId: Type.String(),
  visitorId: Type.String(),
  profile: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  consents: Type.Array(Type.Record(Type.String(), Type.Unknown())),
  conversations: Type.Array(Type.Record(Type.String(), Type.Unknown())),
  /** Every table's rows about the visitor, by table name (conversations' events included). */
  tables: Type.Record(Type.String(), Type.Array(Type.Record(Type.String(), Type.Unknown()))),
})
export type SubjectExport = Static<typeof SubjectExport>

/**
 * Days to keep, or null. One schema with a type list rather than a union: the relay's
 * validator coerces types, and in a union a 0 that fails the integer branch became null.
 */
const Days = Type.Unsafe<number | null>({
  type: ['integer', 'null'],
  minimum: 1,
  maximum: 3650,
  description: 'Days to keep (1–3650); null keeps for ever',
})

/** Per site: how long data is kept (null: kept, the default). */
export const Retention = Type.Object({
  conversationsDays: Days,
  visitorsDays: Days,
  engagementsDays: Days,
})
export type Retention = Static<typeof Retention>

export const RetentionParams = Type.Object({ siteId: Type.String({ minLength: 1, maxLength: 64 }) })
export type RetentionParams = Static<typeof RetentionParams>

export const AuditAction = Type.Union([
  Type.Literal('export'),
  Type.Literal('erase'),
  Type.Literal('retention'),
  Type.Literal('withdraw'),
  Type.Literal('settings'),
])
export type AuditAction = Static<typeof AuditAction>

export const AuditEntry = Type.Object({
  id: Type.String(),
  at: Timestamp,
  actorId: Nullable(Type.String()),
  actorName: Nullable(Type.String()),
  action: AuditAction,
  siteId: Nullable(Type.String()),
  subject: Nullable(Type.String()),
  reason: Nullable(Type.String()),
  details: Type.Record(Type.String(), Type.Unknown()),
})
export type AuditEntry = Static<typeof AuditEntry>

export const AuditQuery = Type.Object({ cursor: Cursor, limit: Limit })
export type AuditQuery = Static<typeof AuditQuery>

export const AuditPage = Type.Object({
  entries: Type.Array(AuditEntry),
  nextCursor: Nullable(Type.String()),
})
export type AuditPage = Static<typeof AuditPage>

/**
 * `POST /v1/sites/:site/consents/withdraw`: the visitor withdraws every consent, with their
 * own token (the `withdraw_consent` frame without a socket); deduplicated by `cid`.
 */
export const WithdrawConsentBody = Type.Object({
  token: Type.String({ minLength: 1, maxLength: 256 }),
  cid: ClientId,
})
export type WithdrawConsentBody = Static<typeof WithdrawConsentBody>

/** Its reply: the ack of the frame without `t`. */
export const WithdrawConsentReply = Type.Object({
  cid: Type.String(),
  id: Type.String(),
  at: Timestamp,
})
export type WithdrawConsentReply = Static<typeof WithdrawConsentReply>
