import type { Tx } from '../../infra/db/unit-of-work.ts'
import type { VisitorContact } from '../visitors/store.ts'
import type { AppendInput, AppendResult } from './store.ts'

/**
 * Something that happened, told inside the transaction that stored it, so that what
 * listens (the webhooks outbox) writes in the same transaction: the change and its
 * notification commit together or not at all.
 */
export type RelayFact =
  /** An event was appended (not a repeated cid): messages, forms, closing, rating. */
  | { kind: 'appended'; input: AppendInput; result: AppendResult }
  /** Routing gave the conversation to an operator. */
  | { kind: 'assigned'; conversationId: string; operator: { id: string; name: string } }
  /** The visitor identified as the site's user. */
  | {
      kind: 'identified'
      siteId: string
      visitorId: string
      userId: string
      verified: boolean
      contact: VisitorContact
      /** The profile had a phone or email before this. */
      reachableBefore: boolean
      at: number
    }
  /** The visitor left their contact in a chat (pre-chat form). */
  | {
      kind: 'contact'
      siteId: string
      visitorId: string
      contact: VisitorContact
      /** The profile had a phone or email before this. */
      reachableBefore: boolean
      at: number
    }

/** Hears facts inside their transaction; a rejection rolls the transaction back. */
export interface EventSink {
  record(tx: Tx, fact: RelayFact): Promise<void>
}

/** Nobody listens. */
export const NO_EVENTS: EventSink = { record: async () => undefined }
