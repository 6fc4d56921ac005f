import type { ChatMessage, OperatorClient } from '@parley/client'
import type { ConversationSummary } from '@parley/protocol'
import { css, html, LitElement, nothing } from 'lit'
import { AtomController } from './atom-controller.ts'
import { contactDetails, conversationTitle, kindLabel, operatorLabel } from './labels.ts'
import type { ReplySendDetail, ReplyTypingDetail } from './reply-composer.ts'
import { base } from './theme.ts'

type HistoryState = 'idle' | 'loading' | 'loaded' | 'failed'

function errorMessage(error: unknown, fallback: string): string {
  return error instanceof Error && error.message ? error.message : fallback
}

/**
 * `<parley-conversation>`: one open conversation. Loads its history when
 * `conversationId` changes, follows `client.messages(id)` live, marks what it
 * shows as read, and offers the reply composer and a "Close conversation" button.
 * The header shows the kind ("Callback", "Offline message"), the visitor's phone and
 * e-mail as links, the assigned operator with their position, and the visitor's
 * rating once closed; "Visitor is typing…" shows in a `role="status"` line.
 */
export class ParleyConversation extends LitElement {
  static override properties = {
    client: { attribute: false },
    conversationId: { attribute: false },
    history: { state: true },
    error: { state: true },
    closing: { state: true },
  }

  static override styles = [
    base,
    css`
      :host {
        display: grid;
        grid-template-rows: auto 1fr auto auto auto;
        min-height: 0;
        height: 100%;
      }
      header {
        display: flex;
        align-items: center;
        gap: 1rem;
        padding: 0.75rem 1.25rem;
        background: var(--parley-surface);
        border-bottom: 1px solid var(--parley-border);
      }
      .title {
        flex: 1;
        min-width: 0;
      }
      h2 {
        margin: 0;
        font-size: 1.05rem;
      }
      .details {
        margin: 0.1rem 0 0;
        font-size: 0.8rem;
        color: var(--parley-text-muted);
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      h2 .kind {
        margin-left: 0.5rem;
        padding: 0 0.45rem;
        border-radius: 999px;
        border: 1px solid currentColor;
        font-size: 0.75rem;
        font-weight: 600;
        vertical-align: 0.15em;
        color: var(--parley-text-muted);
      }
      .contact {
        display: flex;
        flex-wrap: wrap;
        gap: 0.2rem 0.9rem;
        margin: 0.15rem 0 0;
        font-size: 0.85rem;
      }
      .contact a {
        color: var(--parley-accent);
      }
      .rating {
        display: flex;
        align-items: center;
        gap: 0.5rem;
        margin: 0.15rem 0 0;
        font-size: 0.85rem;
      }
      .typing {
        min-height: 1.4em;
        margin: 0;
        padding: 0.15rem 1.25rem;
        font-size: 0.8rem;
        font-style: italic;
        color: var(--parley-text-muted);
        background: var(--parley-bg);
      }
      .state-closed {
        color: var(--parley-danger);
        font-weight: 600;
      }
      button.close {
        font-size: 0.85rem;
        padding: 0.35rem 0.8rem;
      }
      [role='alert'] {
        margin: 0.5rem 1rem 0;
      }
    `,
  ]

  declare client: OperatorClient | undefined
  declare conversationId: string | undefined
  declare history: HistoryState
  declare error: string
  declare closing: boolean

  readonly #messages = new AtomController<ChatMessage[]>(this)
  readonly #conversations = new AtomController<ConversationSummary[]>(this)
  readonly #visitorTyping = new AtomController<Readonly<Record<string, true>>>(this)
  #readSeq = 0

  constructor() {
    super()
    this.history = 'idle'
    this.error = ''
    this.closing = false
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('client')) {
      this.#conversations.setAtom(this.client?.$conversations)
      this.#visitorTyping.setAtom(this.client?.$visitorTyping)
    }
    if (changed.has('client') || changed.has('conversationId')) this.#open()
  }

  override updated(): void {
    this.#markRead()
  }

  #summary(): ConversationSummary | undefined {
    return this.#conversations.value?.find((c) => c.id === this.conversationId)
  }

  #open(): void {
    const { client, conversationId } = this
    this.error = ''
    this.closing = false
    this.#readSeq = 0
    if (!client || !conversationId) {
      this.#messages.setAtom(undefined)
      this.history = 'idle'
      return
    }
    this.#messages.setAtom(client.messages(conversationId))
    this.history = 'loading'
    client.loadHistory(conversationId).then(
      () => {
        if (this.conversationId === conversationId) this.history = 'loaded'
      },
      (error: unknown) => {
        if (this.conversationId !== conversationId) return
        this.history = 'failed'
        this.error = `Could not load the history: ${errorMessage(error, 'unknown error')}`
      },
    )
  }

  #markRead(): void {
    const { client, conversationId } = this
    if (!client || !conversationId) return
    let last = 0
    for (const message of this.#messages.value ?? []) {
      if (message.seq !== undefined && message.seq > last) last = message.seq
    }
    if (last > this.#readSeq) {
      this.#readSeq = last
      client.markRead(conversationId, last)
    }
  }

  override render() {
    if (!this.conversationId) return nothing
    const summary = this.#summary()
    const title = summary ? conversationTitle(summary) : 'Conversation'
    const closed = summary?.status === 'closed'
    const kind = kindLabel(summary?.kind)
    const details = [
      summary?.operator ? `Assigned to ${operatorLabel(summary.operator)}` : 'Unassigned',
      summary?.page,
    ].filter(Boolean)
    const typing = !closed && Boolean(this.#visitorTyping.value?.[this.conversationId])
    return html`
      <header>
        <div class="title">
          <h2>${title} ${kind ? html`<span class="kind">${kind}</span>` : nothing}</h2>
          ${summary ? this.#renderContact(summary) : nothing}
          <p class="details">
            ${closed ? html`<span class="state-closed">Closed</span> · ` : nothing}${details.join(' · ')}
          </p>
          ${closed && summary?.rating ? this.#renderRating(summary) : nothing}
        </div>
        <button
          class="close"
          type="button"
          ?disabled=${closed || this.closing}
          @click=${this.#close}
        >
          Close conversation
        </button>
      </header>
      <parley-message-log
        .messages=${this.#messages.value ?? []}
        .visitorTitle=${title}
        .loading=${this.history === 'loading'}
        .kind=${summary?.kind}
      ></parley-message-log>
      <p class="typing" role="status">${typing ? 'Visitor is typing…' : ''}</p>
      ${this.error ? html`<p role="alert">${this.error}</p>` : html`<div></div>`}
      <parley-reply-composer
        ?disabled=${closed}
        @reply-send=${this.#send}
        @reply-typing=${this.#typing}
      ></parley-reply-composer>
    `
  }

  #renderContact(summary: ConversationSummary) {
    const { phone, email } = contactDetails(summary)
    if (!phone && !email) return nothing
    return html`<p class="contact">
      ${phone ? html`<a href="tel:${phone}" aria-label="Phone ${phone}">${phone}</a>` : nothing}
      ${email ? html`<a href="mailto:${email}" aria-label="Email ${email}">${email}</a>` : nothing}
    </p>`
  }

  #renderRating(summary: ConversationSummary) {
    const comment = summary.ratingComment?.trim()
    return html`<p class="rating">
      <parley-rating-stars .rating=${summary.rating}></parley-rating-stars>
      ${comment ? html`<q>${comment}</q>` : nothing}
    </p>`
  }

  async #send(event: CustomEvent<ReplySendDetail>): Promise<void> {
    const { client, conversationId } = this
    if (!client || !conversationId) return
    this.error = ''
    try {
      await client.send(conversationId, event.detail.text)
    } catch (error) {
      if (this.conversationId === conversationId) {
        this.error = `Message not sent: ${errorMessage(error, 'unknown error')}`
      }
    }
  }

  #typing(event: CustomEvent<ReplyTypingDetail>): void {
    if (this.client && this.conversationId) {
      this.client.setTyping(this.conversationId, event.detail.typing)
    }
  }

  async #close(): Promise<void> {
    const { client, conversationId } = this
    if (!client || !conversationId) return
    this.closing = true
    this.error = ''
    try {
      await client.close(conversationId)
    } catch (error) {
      if (this.conversationId === conversationId) {
        this.error = `Could not close the conversation: ${errorMessage(error, 'unknown error')}`
      }
    } finally {
      if (this.conversationId === conversationId) this.closing = false
    }
  }
}
