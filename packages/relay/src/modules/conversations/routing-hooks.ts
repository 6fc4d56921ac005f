import type { ConversationSummary, Permission } from '@parley/protocol'

/**
 * What the conversation service tells routing, and asks it, so routing lives in its own
 * module (`modules/routing`) without the two importing each other's services.
 */
export interface RoutingHooks {
  /**
   * The group a new conversation of the site starts in: `asked` (a scenario's routing group,
   * by id or name) when the site has it, else the site's default group; undefined when routing
   * does not know the site yet (it files the conversation once it is opened).
   */
  groupFor(siteId: string, asked: string | undefined): string | undefined
  /** A conversation was created and committed. */
  opened(conversation: ConversationSummary): void
  /**
   * An operator is about to reply: `'take'` when routing gave them the waiting conversation
   * just now, `'reply'` when it is theirs or they may answer without taking it, `'unrouted'`
   * for a conversation routing does not hold. Throws a relay error to refuse
   * (`already_assigned`, `operator_full`, …).
   */
  beforeReply(operatorId: string, conversation: ConversationSummary): 'take' | 'reply' | 'unrouted'
  /** The operator's reply was stored. */
  replied(operatorId: string, conversationId: string): void
  /** The conversation was closed. */
  closed(conversationId: string): void
  /** Whether the operator may see the conversation (their groups, their role). */
  canSeeConversation(
    viewer: { id: string; permissions: ReadonlySet<Permission> },
    conversation: ConversationSummary,
  ): boolean
}
