import type {
  Author,
  ConversationEvent,
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
}

export interface AppendResult {
  event: ConversationEvent
  conversation: ConversationSummary
  /** The cid was seen before: `event` is the stored one and nothing changed. */
  duplicate: boolean
  /** The conversation was created, assigned or closed by this append. */
  summaryChanged: boolean
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
  /** Records that `readerKey` has read up to `seq` (never moves backwards); returns the stored seq. */
  markRead(conversationId: string, readerKey: string, seq: number, at: number): Promise<number>

  /** Finishes pending writes and releases the database. */
  close(): Promise<void>
}
