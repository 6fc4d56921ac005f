import type {
  AgreementTemplate,
  Author,
  ConversationEvent,
  ConversationKind,
  ConversationSummary,
  EventKind,
  OperatorProfile,
  Role,
  SiteConfig,
} from '@parley/protocol'

/** A site as stored: its public config plus the origins allowed to chat. */
export interface SiteRecord {
  config: SiteConfig
  /** Empty: the relay-wide allowlist applies. */
  origins: string[]
  /** What the agreement text is rendered from; `config.agreement` is derived from it. */
  agreementTemplate?: AgreementTemplate | null
  /** Key of the `identify` HMAC; never sent to visitors. */
  identitySecret?: string | null
}

/** Contact fields of a visitor (E.164 phone). */
export interface VisitorContact {
  name?: string
  email?: string
  phone?: string
}

/** A visitor's stored profile. */
export interface VisitorProfile extends VisitorContact {
  siteId: string
  id: string
  userId?: string
  /** identify came with a valid HMAC of `userId`. */
  verified: boolean
  attributes: Record<string, string | number | boolean>
  createdAt: number
  updatedAt: number
}

/** Changes to a visitor's profile, applied in the same transaction as the frame. */
export interface VisitorPatch {
  siteId: string
  visitorId: string
  contact?: VisitorContact
  identity?: { userId: string; verified: boolean }
  /** Merged into the stored attributes; the result may hold at most `maxAttributes` keys. */
  attributes?: Record<string, string | number | boolean>
  maxAttributes?: number
}

/** One consent to the site agreement. */
export interface ConsentRecord {
  id: string
  siteId: string
  visitorId: string
  agreementVersion: string
  form: 'callback' | 'offline' | 'prechat'
  ip?: string
  at: number
  /** The form event it came with. */
  eventId?: string
}

/** An employee with the hash of its password (never sent anywhere). */
export interface EmployeeRecord extends OperatorProfile {
  passwordHash: string
  createdAt: number
}

export interface NewEmployee {
  id: string
  email: string
  name: string
  role: Role
  passwordHash: string
  createdAt: number
}

export interface SessionRecord {
  employeeId: string
  expiresAt: number
}

/** Where a new event goes: an existing conversation, or the visitor's open one (created if none). */
export type AppendTarget =
  | { conversationId: string }
  | { open: { siteId: string; visitorId: string; page?: string } }
  /** Always a new conversation (callback, offline), with the form's contact on it. */
  | {
      create: {
        siteId: string
        visitorId: string
        kind: ConversationKind
        page?: string
        contact?: VisitorContact
      }
    }

export interface AppendInput {
  id: string
  cid?: string
  /** Who may not repeat `cid`: `'visitor:<id>'` or `'operator:<id>'`. */
  authorKey: string
  author: Author
  kind: EventKind
  text: string
  at: number
  target: AppendTarget
  /** Id for a conversation the append has to create. */
  newConversationId: string
  /** Set as the conversation's operator when it has none. */
  assign?: { id: string; name: string }
  /** Close the conversation with this event. */
  close?: boolean
  /** Normalised fields of a `form` event. */
  data?: Record<string, string>
  /** Set the conversation's rating (the visitor rated it). */
  rating?: { rating: number; comment?: string }
  /** Stored with the event, in the same transaction (`eventId` is filled in). */
  consent?: Omit<ConsentRecord, 'eventId'>
  /** Applied to the visitor's profile in the same transaction. */
  profile?: VisitorPatch
  /** Written only when this append creates the conversation, in the same transaction. */
  opening?: ConversationOpening
}

/** An event stored before the appended one in a new conversation (no cid, never deduplicated). */
export type PrefaceEvent = Pick<AppendInput, 'id' | 'author' | 'kind' | 'text' | 'data'>

/** What a new conversation starts with, from the engagement scenario that brought it. */
export interface ConversationOpening {
  /** The routing group (`ConversationSummary.group`). */
  group?: string
  /** Events before the appended one, in order (the invitation the visitor answers). */
  preface?: PrefaceEvent[]
  /** The scenario's conversion; its kind is the conversation's. */
  conversion?: { id: string; scenarioId: string; page?: string }
}

/** A frame that appends no event (prechat, identify, attributes), deduplicated by cid. */
export interface VisitorFrameInput {
  id: string
  cid: string
  authorKey: string
  at: number
  profile?: VisitorPatch
  consent?: ConsentRecord
}

export interface VisitorFrameResult {
  id: string
  at: number
  /** The cid was seen before: nothing changed. */
  duplicate: boolean
}

export interface AppendResult {
  event: ConversationEvent
  conversation: ConversationSummary
  /** The cid was seen before: `event` is the stored one and nothing changed. */
  duplicate: boolean
  /** The conversation was created, assigned or closed by this append. */
  summaryChanged: boolean
  /** The `opening.preface` events stored before `event` (the conversation was created). */
  preface?: ConversationEvent[]
}

/**
 * Everything the relay persists. Methods are async so that a networked adapter
 * (Postgres) fits the same interface; `describeStore` in `contract.ts` is the
 * suite every adapter must pass.
 */
export interface Store {
  getSetting(key: string): Promise<string | undefined>
  setSetting(key: string, value: string): Promise<void>

  /** Creates or replaces the site. */
  putSite(site: SiteRecord): Promise<void>
  getSite(id: string): Promise<SiteRecord | undefined>

  /** Rejects with a relay error `email_taken` when the email exists (case-insensitive). */
  createEmployee(employee: NewEmployee): Promise<EmployeeRecord>
  getEmployee(id: string): Promise<EmployeeRecord | undefined>
  getEmployeeByEmail(email: string): Promise<EmployeeRecord | undefined>
  listEmployees(): Promise<EmployeeRecord[]>
  setEmployeePassword(id: string, passwordHash: string): Promise<void>

  createSession(tokenHash: string, session: SessionRecord & { createdAt: number }): Promise<void>
  getSession(tokenHash: string): Promise<SessionRecord | undefined>
  deleteSession(tokenHash: string): Promise<void>

  createApiToken(token: {
    id: string
    name: string
    tokenHash: string
    employeeId: string
    createdAt: number
  }): Promise<void>
  /** The employee id the token belongs to. */
  getApiToken(tokenHash: string): Promise<{ id: string; employeeId: string } | undefined>

  getConversation(id: string): Promise<ConversationSummary | undefined>
  /** The visitor's conversations, most recently updated first. */
  listVisitorConversations(
    siteId: string,
    visitorId: string,
    limit: number,
  ): Promise<ConversationSummary[]>
  /** All conversations, most recently updated first. */
  listConversations(limit: number): Promise<ConversationSummary[]>
  /** The event an author stored under `cid`, if any. */
  findEventByCid(authorKey: string, cid: string): Promise<ConversationEvent | undefined>
  /**
   * Atomically: dedups by (authorKey, cid), resolves or creates the conversation,
   * assigns the next `seq`, stores the event and updates the summary. Resolves
   * only once the transaction is committed.
   */
  appendEvent(input: AppendInput): Promise<AppendResult>
  /** Events with `seq > afterSeq`, in `seq` order, at most `limit`. */
  eventsAfter(conversationId: string, afterSeq: number, limit: number): Promise<ConversationEvent[]>
  /** The last `limit` events, in `seq` order (what a client without them starts from). */
  latestEvents(conversationId: string, limit: number): Promise<ConversationEvent[]>
  /** Records that `readerKey` has read up to `seq` (never moves backwards); returns the stored seq. */
  markRead(conversationId: string, readerKey: string, seq: number, at: number): Promise<number>

  /** Changes what visitors see of an employee; `null` clears a field. */
  updateEmployee(
    id: string,
    patch: { name?: string; position?: string | null; photoUrl?: string | null },
  ): Promise<EmployeeRecord | undefined>

  getVisitor(siteId: string, visitorId: string): Promise<VisitorProfile | undefined>
  /**
   * Atomically: dedups by (authorKey, cid), applies the profile patch and stores the
   * consent. Rejects with `field_invalid` when the merged attributes exceed the cap.
   */
  recordVisitorFrame(input: VisitorFrameInput): Promise<VisitorFrameResult>
  /** The ack of a frame stored by `recordVisitorFrame`, if any. */
  findVisitorFrame(authorKey: string, cid: string): Promise<{ id: string; at: number } | undefined>
  /** The visitor's consents, oldest first. */
  listConsents(siteId: string, visitorId: string): Promise<ConsentRecord[]>

  /** Finishes pending writes and releases the database. */
  close(): Promise<void>
}
