import type { ConversationSummary } from '@parley/protocol'
import type { Tx } from '../../infra/db/unit-of-work.ts'
import type { VisitorActor } from './actor.ts'
import type { ConversationOpening } from './store.ts'

/** What a conversation a visitor's frame may open starts with, and what it converts. */
export interface OpeningPlan {
  opening: ConversationOpening
  /** Recorded by the policy if the frame creates the conversation. */
  conversion?: { id: string; scenarioId: string; page?: string }
}

/**
 * Asked before a visitor's frame that may open a conversation is stored (attribution and
 * routing). `invitation`: a chat message may be preceded by the invitation it answers.
 */
export interface OpeningPolicy {
  plan(
    visitor: VisitorActor,
    scenarioId: string | undefined,
    options: { invitation?: boolean },
  ): Promise<OpeningPlan | undefined>
  /** In the transaction that created `conversation` from the plan. */
  opened(tx: Tx, plan: OpeningPlan, conversation: ConversationSummary): Promise<void>
}
