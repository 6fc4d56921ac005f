import type { OperatorClient } from '@parley/client'
import type { ConversationSummary } from '@parley/protocol'
import { css, html, LitElement, nothing } from 'lit'
import { repeat } from 'lit/directives/repeat.js'
import { AtomController } from './atom-controller.ts'
import {
  CONVERSATION_FILTERS,
  type ConversationFilter,
  emptyText,
  filterAfterKey,
  isWaiting,
  matchesFilter,
  waitLabel,
} from './conversation-filter.ts'
import { loadGroupNames } from './group-names.ts'
import { channelLabel, contactDetails, conversationTitle, formatTime, kindLabel } from './labels.ts'
import { leadStatusLabel } from './lead-controls.ts'
import { formatPhone } from './phone-format.ts'
import type { RestApi } from './rest-api.ts'
import { base } from './theme.ts'

/** Detail of the `conversation-select` event. */
export interface ConversationSelectDetail {
  conversationId: string
}

/**
 * `<parley-conversation-list>`: the live list from `client.$conversations`, most
 * recent first, under filter tabs (`role="tablist"`: All, Chats, Callbacks, Offline;
 * arrow keys, Home and End move between them). Each entry is a button whose name
 * starts with the visitor's name (or "Visitor <short id>"), then the kind
 * ("Callback", "Offline message") for non-chats, "New" when it has events past
 * `seen`, the time, the visitor's phone and e-mail, the rating of a closed
 * conversation, and the last message (or "Visitor is typing…").
 * Clicking fires `conversation-select`.
 */
export class ParleyConversationList extends LitElement {
  static override properties = {
    client: { attribute: false },
    selectedId: { attribute: false },
    seen: { attribute: false },
    api: { attribute: false },
    filter: { state: true },
    groupNames: { state: true },
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
      [role='tablist'] {
        display: flex;
        gap: 0.25rem;
        margin: 0 0.75rem 0.5rem;
        padding: 0.2rem;
        border-radius: var(--parley-radius);
        background: var(--parley-surface-muted);
      }
      [role='tab'] {
        flex: 1;
        padding: 0.3rem 0.25rem;
        font-size: 0.78rem;
        border-color: transparent;
        background: transparent;
        color: var(--parley-text-muted);
      }
      [role='tab'][aria-selected='true'] {
        background: var(--parley-surface);
        border-color: var(--parley-border);
        color: var(--parley-text);
        font-weight: 600;
      }
      [role='tabpanel'] {
        display: flex;
        flex-direction: column;
        flex: 1;
        min-height: 0;
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
      .kind {
        margin-left: 0.4rem;
        padding: 0 0.4rem;
        border-radius: 999px;
        font-size: 0.7rem;
        font-weight: 600;
        vertical-align: 0.1em;
        border: 1px solid var(--parley-border);
        color: var(--parley-text-muted);
      }
      .kind.callback {
        color: var(--parley-success);
        border-color: currentColor;
      }
      /* Text colour, accent border: readable on the selected row's accent background too. */
      .kind.waiting {
        color: var(--parley-text);
        border-color: var(--parley-accent);
      }
      .kind.offline {
        color: var(--parley-warning);
        border-color: currentColor;
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
      .contact,
      parley-rating-stars {
        grid-column: 1 / -1;
        font-size: 0.8rem;
        color: var(--parley-text-muted);
        overflow-wrap: anywhere;
      }
      .typing {
        font-style: italic;
        color: var(--parley-accent);
      }
      .preview {
        grid-column: 1 / -1;
        font-size: 0.85rem;
        color: var(--parley-text-muted);
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      /* Muted, not faded: opacity would take the text below AA contrast. */
      .closed .name {
        color: var(--parley-text-muted);
        font-weight: 500;
      }
      .tags {
        grid-column: 1 / -1;
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem;
        font-size: 0.72rem;
        color: var(--parley-text-muted);
      }
      .tags span {
        padding: 0 0.4rem;
        border-radius: 999px;
        background: var(--parley-surface-muted);
        border: 1px solid var(--parley-border);
      }
      .wait {
        grid-column: 1 / -1;
        font-size: 0.78rem;
        color: var(--parley-text);
      }
      h3 {
        margin: 0.6rem 1.2rem 0.25rem;
        font-size: 0.75rem;
        font-weight: 700;
        color: var(--parley-text-muted);
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
  /** The selected tab. @default 'all' */
  declare filter: ConversationFilter
  /** REST, for the names of the routing groups the queue is grouped by. */
  declare api: RestApi | undefined
  /** Group names by `<site>\n<group id>`, as far as loaded. */
  declare groupNames: Readonly<Record<string, string>>
  #askedSites = new Set<string>()
  /** Re-renders the queue's wait times every half minute. */
  #clock: ReturnType<typeof setInterval> | undefined

  readonly #conversations = new AtomController<ConversationSummary[]>(this)
  readonly #typing = new AtomController<Readonly<Record<string, true>>>(this)

  constructor() {
    super()
    this.seen = {}
    this.filter = 'all'
    this.groupNames = {}
  }

  override connectedCallback(): void {
    super.connectedCallback()
    this.#clock = setInterval(() => {
      if (this.filter === 'waiting') this.requestUpdate()
    }, 30_000)
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    clearInterval(this.#clock)
    this.#clock = undefined
  }

  /** Loads the group names of the sites the queue shows (once each). */
  #nameGroups(queue: readonly ConversationSummary[]): void {
    const { api } = this
    if (!api) return
    for (const siteId of new Set(queue.map((c) => c.siteId))) {
      if (this.#askedSites.has(siteId)) continue
      this.#askedSites.add(siteId)
      loadGroupNames(api, siteId).then(
        (names) => {
          const next = { ...this.groupNames }
          for (const [id, name] of names) next[`${siteId}\n${id}`] = name
          this.groupNames = next
        },
        () => this.#askedSites.delete(siteId),
      )
    }
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('client')) {
      this.#conversations.setAtom(this.client?.$conversations)
      this.#typing.setAtom(this.client?.$visitorTyping)
    }
  }

  override render() {
    const conversations = (this.#conversations.value ?? []).filter((conversation) =>
      matchesFilter(conversation, this.filter),
    )
    return html`
      <h2 id="heading">
        Conversations <span class="count">${conversations.length}</span>
      </h2>
      <div role="tablist" aria-label="Show conversations" @keydown=${this.#tabKey}>
        ${CONVERSATION_FILTERS.map(({ filter, label }) => {
          const selected = filter === this.filter
          return html`<button
            role="tab"
            type="button"
            id="tab-${filter}"
            aria-selected=${selected ? 'true' : 'false'}
            aria-controls="panel"
            tabindex=${selected ? 0 : -1}
            @click=${() => this.#setFilter(filter)}
          >
            ${label}
          </button>`
        })}
      </div>
      <div id="panel" role="tabpanel" aria-labelledby="tab-${this.filter}">
        ${
          conversations.length === 0
            ? html`<p class="empty">${emptyText(this.filter)}</p>`
            : this.filter === 'waiting'
              ? this.#renderQueue(conversations)
              : html`<ul role="list" aria-labelledby="heading">
              ${repeat(
                conversations,
                (conversation) => conversation.id,
                (conversation) => this.#renderItem(conversation),
              )}
            </ul>`
        }
      </div>
    `
  }

  /**
   * The queue: what waits, per routing group (named as the site calls it), longest waiting
   * first, each with how long it has waited.
   */
  #renderQueue(conversations: readonly ConversationSummary[]) {
    this.#nameGroups(conversations)
    const groups = queueGroups(conversations, (c) =>
      c.group ? (this.groupNames[`${c.siteId}\n${c.group}`] ?? 'Group') : 'No group',
    )
    const now = Date.now()
    return groups.map(
      ({ key, name, items }, index) => html`
        <h3 id="queue-${index}">${name} · ${items.length}</h3>
        <ul role="list" aria-labelledby="queue-${index}" data-group=${key}>
          ${repeat(
            items,
            (c) => c.id,
            (c) => this.#renderItem(c, `Waiting ${waitLabel(c.createdAt, now)}`),
          )}
        </ul>
      `,
    )
  }

  /** The ids the list shows now, in its order (for moving with the keyboard). */
  visibleIds(): string[] {
    const shown = (this.#conversations.value ?? []).filter((conversation) =>
      matchesFilter(conversation, this.filter),
    )
    const ordered =
      this.filter === 'waiting' ? queueGroups(shown, () => '').flatMap((g) => g.items) : shown
    return ordered.map((conversation) => conversation.id)
  }

  #setFilter(filter: ConversationFilter): void {
    this.filter = filter
  }

  async #tabKey(event: KeyboardEvent): Promise<void> {
    const next = filterAfterKey(this.filter, event.key)
    if (!next) return
    event.preventDefault()
    this.filter = next
    await this.updateComplete
    this.renderRoot.querySelector<HTMLElement>(`#tab-${next}`)?.focus()
  }

  #isUnread(conversation: ConversationSummary): boolean {
    if (conversation.id === this.selectedId || conversation.status === 'closed') return false
    return conversation.lastSeq > (this.seen[conversation.id] ?? 0)
  }

  #renderItem(conversation: ConversationSummary, wait?: string) {
    const unread = this.#isUnread(conversation)
    const current = conversation.id === this.selectedId
    const closed = conversation.status === 'closed'
    const classes = [unread ? 'unread' : '', closed ? 'closed' : '']
    const kind = kindLabel(conversation.kind)
    const channel = channelLabel(conversation.channel)
    const { phone, email } = contactDetails(conversation)
    const contact = [phone && formatPhone(phone), email].filter(Boolean).join(' · ')
    const typing = !closed && Boolean(this.#typing.value?.[conversation.id])
    return html`<li>
      <button
        type="button"
        class=${classes.join(' ')}
        aria-current=${current ? 'true' : nothing}
        @click=${() => this.#select(conversation.id)}
      >
        <span class="name"
          >${conversationTitle(conversation)} ${
            kind ? html`<span class="kind ${conversation.kind}">${kind}</span>` : nothing
          } ${channel ? html`<span class="kind channel">${channel}</span>` : nothing} ${isWaiting(conversation) ? html`<span class="kind waiting">Waiting</span>` : nothing} ${
            unread ? html`<span class="badge">New</span>` : nothing
          }</span
        >
        <time datetime=${new Date(conversation.updatedAt).toISOString()}
          >${formatTime(conversation.updatedAt)}</time
        >
        ${
          conversation.lead || wait
            ? html`<span class="wait"
                >${[conversation.lead ? leadLine(conversation.lead) : '', wait ?? ''].filter(Boolean).join(' · ')}</span
              >`
            : nothing
        }
        ${contact ? html`<span class="contact">${contact}</span>` : nothing}
        ${
          conversation.tags?.length
            ? html`<span class="tags" aria-label="Tags: ${conversation.tags.join(', ')}"
                >${conversation.tags.map((t) => html`<span>${t}</span>`)}</span
              >`
            : nothing
        }
        ${
          closed && conversation.rating
            ? html`<parley-rating-stars .rating=${conversation.rating}></parley-rating-stars>`
            : nothing
        }
        ${
          typing
            ? html`<span class="preview typing">Visitor is typing…</span>`
            : html`<span class="preview"
              >${closed ? 'Closed · ' : ''}${conversation.lastText ?? 'No messages yet'}</span
            >`
        }
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

/** "Status: In progress · Olga" (a lead's "New" is no unread mark: it says so). */
function leadLine(lead: NonNullable<ConversationSummary['lead']>): string {
  const status = `Status: ${leadStatusLabel(lead.status)}`
  return lead.assignee ? `${status} · ${lead.assignee.name}` : status
}

/**
 * The queue in groups: by site and routing group, each longest waiting first; groups in the
 * order of their longest-waiting entry. `nameOf` names a group by one of its conversations.
 */
export function queueGroups(
  conversations: readonly ConversationSummary[],
  nameOf: (c: ConversationSummary) => string,
): { key: string; name: string; items: ConversationSummary[] }[] {
  const byGroup = new Map<string, ConversationSummary[]>()
  const oldestFirst = [...conversations].sort(
    (a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1),
  )
  for (const c of oldestFirst) {
    const key = `${c.siteId}\n${c.group ?? ''}`
    const list = byGroup.get(key) ?? []
    list.push(c)
    byGroup.set(key, list)
  }
  return [...byGroup].map(([key, items]) => ({ key, name: nameOf(items[0]!), items }))
}
