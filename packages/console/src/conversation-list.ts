import type { OperatorClient } from '@parley/client'
import type { ConversationSummary } from '@parley/protocol'
import { css, html, LitElement, nothing } from 'lit'
import { repeat } from 'lit/directives/repeat.js'
import { AtomController } from './atom-controller.ts'
import { conversationTitle, formatTime } from './labels.ts'
import { base } from './theme.ts'

/** Detail of the `conversation-select` event. */
export interface ConversationSelectDetail {
  conversationId: string
}

/**
 * `<parley-conversation-list>`: the live list from `client.$conversations`, most
 * recent first. Each entry is a button whose name starts with the visitor's name
 * (or "Visitor <short id>"), then "New" when it has events past `seen`, the time and
 * the last message. Clicking fires `conversation-select`.
 */
export class ParleyConversationList extends LitElement {
  static override properties = {
    client: { attribute: false },
    selectedId: { attribute: false },
    seen: { attribute: false },
  }

  static override styles = [
    base,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 0;
        background: var(--parley-surface);
        border-right: 1px solid var(--parley-border);
      }
      h2 {
        display: flex;
        align-items: center;
        gap: 0.5rem;
        margin: 0;
        padding: 0.9rem 1rem 0.6rem;
        font-size: 0.8rem;
        font-weight: 700;
        text-transform: uppercase;
        letter-spacing: 0.06em;
        color: var(--parley-text-muted);
      }
      .count {
        font-weight: 600;
        padding: 0 0.45rem;
        border-radius: 999px;
        background: var(--parley-surface-muted);
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0 0.5rem 0.5rem;
        overflow-y: auto;
        flex: 1;
      }
      li + li {
        margin-top: 2px;
      }
      button {
        display: grid;
        grid-template-columns: 1fr auto;
        gap: 0.15rem 0.5rem;
        width: 100%;
        text-align: left;
        border: 1px solid transparent;
        background: transparent;
        padding: 0.6rem 0.7rem;
      }
      button[aria-current='true'] {
        background: var(--parley-accent-soft);
        border-color: color-mix(in srgb, var(--parley-accent) 30%, transparent);
      }
      .name {
        font-weight: 600;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .unread .name {
        font-weight: 700;
      }
      .badge {
        margin-left: 0.4rem;
        padding: 0 0.4rem;
        border-radius: 999px;
        font-size: 0.7rem;
        font-weight: 700;
        vertical-align: 0.1em;
        background: var(--parley-accent);
        color: var(--parley-accent-text);
      }
      time {
        font-size: 0.75rem;
        color: var(--parley-text-muted);
        align-self: center;
      }
      .preview {
        grid-column: 1 / -1;
        font-size: 0.85rem;
        color: var(--parley-text-muted);
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .closed {
        opacity: 0.7;
      }
      .empty {
        margin: 0;
        padding: 1rem;
        color: var(--parley-text-muted);
        font-size: 0.9rem;
      }
    `,
  ]

  declare client: OperatorClient | undefined
  /** The conversation open on the right; shown as current and never marked new. */
  declare selectedId: string | undefined
  /** Last `seq` the operator has seen, per conversation id. */
  declare seen: Readonly<Record<string, number>>

  readonly #conversations = new AtomController<ConversationSummary[]>(this)

  constructor() {
    super()
    this.seen = {}
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('client')) this.#conversations.setAtom(this.client?.$conversations)
  }

  override render() {
    const conversations = this.#conversations.value ?? []
    return html`
      <h2 id="heading">
        Conversations <span class="count">${conversations.length}</span>
      </h2>
      ${
        conversations.length === 0
          ? html`<p class="empty">No conversations yet. New chats appear here as visitors write.</p>`
          : html`<ul role="list" aria-labelledby="heading">
            ${repeat(
              conversations,
              (conversation) => conversation.id,
              (conversation) => this.#renderItem(conversation),
            )}
          </ul>`
      }
    `
  }

  #isUnread(conversation: ConversationSummary): boolean {
    if (conversation.id === this.selectedId || conversation.status === 'closed') return false
    return conversation.lastSeq > (this.seen[conversation.id] ?? 0)
  }

  #renderItem(conversation: ConversationSummary) {
    const unread = this.#isUnread(conversation)
    const current = conversation.id === this.selectedId
    const classes = [unread ? 'unread' : '', conversation.status === 'closed' ? 'closed' : '']
    return html`<li>
      <button
        type="button"
        class=${classes.join(' ')}
        aria-current=${current ? 'true' : nothing}
        @click=${() => this.#select(conversation.id)}
      >
        <span class="name"
          >${conversationTitle(conversation)} ${
            unread ? html`<span class="badge">New</span>` : nothing
          }</span
        >
        <time datetime=${new Date(conversation.updatedAt).toISOString()}
          >${formatTime(conversation.updatedAt)}</time
        >
        <span class="preview"
          >${conversation.status === 'closed' ? 'Closed · ' : ''}${
            conversation.lastText ?? 'No messages yet'
          }</span
        >
      </button>
    </li>`
  }

  #select(conversationId: string): void {
    this.dispatchEvent(
      new CustomEvent<ConversationSelectDetail>('conversation-select', {
        detail: { conversationId },
      }),
    )
  }
}
