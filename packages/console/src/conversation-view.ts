import type { ChatMessage, OperatorClient } from '@parley/client'
import {
  type AttachmentReply,
  type CannedResponse,
  type ChannelDeliveriesReply,
  type ChannelDelivery,
  type ConversationSummary,
  type GroupListReply,
  PHOTO_CHANNELS,
  type RoutingLogReply,
  type TeamMember,
  type TeamReply,
  type TransferFrame,
} from '@parley/protocol'
import { html, LitElement, nothing } from 'lit'
import { keyed } from 'lit/directives/keyed.js'
import { AtomController } from './atom-controller.ts'
import { loadCanned } from './canned-cache.ts'
import type { CloseConfirmDetail } from './close-form.ts'
import { isWaiting } from './conversation-filter.ts'
import { conversationStyles } from './conversation-view-styles.ts'
import {
  channelLabel,
  contactDetails,
  conversationTitle,
  formatTime,
  kindLabel,
  operatorLabel,
} from './labels.ts'
import { formatPhone } from './phone-format.ts'
import type { ReplySendDetail, ReplyTypingDetail } from './reply-composer.ts'
import type { RestApi } from './rest-api.ts'
import { base } from './theme.ts'

/** Where a conversation can be handed: a site's groups and the team, as the relay lists them. */
interface TransferTargets {
  groups: GroupListReply['groups']
  people: TeamMember[]
}

const STATUS_WORDS: Record<TeamMember['status'], string> = {
  online: 'online',
  pause: 'on pause',
  away: 'away',
  offline: 'offline',
}

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
 * rating once closed; "Visitor is typing…" shows in a `role="status"` line. A waiting chat
 * offers "Accept"; an assigned one "Transfer…", which lists the site's groups and the team
 * (with status and load) and takes a note only operators read. A conversation whose channel
 * takes photos (`PHOTO_CHANNELS`: Telegram) offers "Attach file" in the composer: Send uploads
 * the photo, then sends the message that carries it with the text as its caption.
 */
export class ParleyConversation extends LitElement {
  static override properties = {
    client: { attribute: false },
    api: { attribute: false },
    conversationId: { attribute: false },
    focusSeq: { attribute: false },
    history: { state: true },
    error: { state: true },
    closing: { state: true },
    accepting: { state: true },
    targets: { state: true },
    transferring: { state: true },
    notice: { state: true },
    transferNote: { state: true },
    canned: { state: true },
    deliveries: { state: true },
    showCard: { state: true },
    closeOpen: { state: true },
    cardReady: { state: true },
  }

  static override styles = [base, conversationStyles]

  declare client: OperatorClient | undefined
  /** REST, for the transfer targets (groups and the team board). */
  declare api: RestApi | undefined
  declare conversationId: string | undefined
  /** A message to scroll to and mark briefly once it is shown (a history search result). */
  declare focusSeq: number | undefined
  declare history: HistoryState
  declare error: string
  declare closing: boolean
  declare accepting: boolean
  /** Loaded when "Transfer…" opens the form; `undefined`: the form is closed. */
  declare targets: TransferTargets | undefined
  declare transferring: boolean
  /** What just happened (a transfer), in a status line. */
  declare notice: string
  /** The note of the last transfer to the current operator, for them only. */
  declare transferNote: string
  /** What the composer's `/shortcut` calls up. */
  declare canned: readonly CannedResponse[]
  /** Where this conversation's messages to a messenger or by e-mail stand, by event id. */
  declare deliveries: ReadonlyMap<string, ChannelDelivery>
  /** Whether the visitor card's element is loaded (a chunk of its own, fetched on first use). */
  declare cardReady: boolean
  /** Whether the "close with tags" form is open. */
  declare closeOpen: boolean
  /** Whether the visitor card is open (at first: on a wide screen). */
  declare showCard: boolean
  /** Whose assignment the note was fetched for: `<conversation>:<operator>`. */
  #noteFor = ''
  /** The conversation whose deliveries were fetched. */
  #deliveriesFor = ''
  #offDelivery: (() => void) | undefined

  readonly #messages = new AtomController<ChatMessage[]>(this)
  readonly #conversations = new AtomController<ConversationSummary[]>(this)
  readonly #visitorTyping = new AtomController<Readonly<Record<string, true>>>(this)
  #readSeq = 0

  constructor() {
    super()
    this.history = 'idle'
    this.error = ''
    this.closing = false
    this.accepting = false
    this.transferring = false
    this.notice = ''
    this.transferNote = ''
    this.canned = []
    this.deliveries = new Map()
    this.closeOpen = false
    this.cardReady = false
    this.showCard =
      typeof matchMedia === 'function' && matchMedia('(min-width: 75rem)').matches === true
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.#offDelivery?.()
    this.#offDelivery = undefined
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('client')) {
      this.#conversations.setAtom(this.client?.$conversations)
      this.#visitorTyping.setAtom(this.client?.$visitorTyping)
      this.#offDelivery?.()
      this.#offDelivery = this.client?.on('delivery', ({ conversationId, delivery }) => {
        if (conversationId !== this.conversationId) return
        this.deliveries = new Map(this.deliveries).set(delivery.eventId, delivery)
      })
    }
    if (changed.has('client') || changed.has('conversationId')) this.#open()
    else if (
      changed.has('focusSeq') &&
      this.history === 'loaded' &&
      this.client &&
      this.conversationId
    ) {
      void this.#reachFocus(this.client, this.conversationId)
    }
    if (changed.has('api') || changed.has('conversationId')) {
      const api = this.api
      // Without them the composer still sends: a failed load only leaves `/` without help.
      if (api)
        loadCanned(api).then(
          (canned) => (this.canned = canned),
          () => undefined,
        )
    }
  }

  override updated(): void {
    if (this.showCard && !this.cardReady) void this.#loadCard()
    this.#markRead()
    this.#fetchNote()
    this.#fetchDeliveries()
  }

  /**
   * A messenger conversation, or an offline lead or site chat whose visitor gave an e-mail
   * (replies go by e-mail once they are gone): its messages' delivery states.
   */
  #fetchDeliveries(): void {
    const summary = this.#summary()
    const sent = summary?.channel || (summary?.kind !== 'callback' && summary?.visitorEmail)
    const key = summary && sent ? summary.id : ''
    if (!this.api || key === this.#deliveriesFor) return
    this.#deliveriesFor = key
    this.deliveries = new Map()
    if (!key) return
    this.api
      .get<ChannelDeliveriesReply>(`/v1/conversations/${encodeURIComponent(key)}/deliveries`)
      .then(
        ({ deliveries }) => {
          if (this.#deliveriesFor !== key) return
          // What came live meanwhile is newer than the list.
          this.deliveries = new Map([
            ...deliveries.map((d) => [d.eventId, d] as const),
            ...this.deliveries,
          ])
        },
        () => undefined,
      )
  }

  /** Loads and defines `<parley-visitor-card>` the first time a card is shown. */
  async #loadCard(): Promise<void> {
    if (!customElements.get('parley-visitor-card')) {
      const { ParleyVisitorCard } = await import('./visitor-card.ts')
      if (!customElements.get('parley-visitor-card')) {
        customElements.define('parley-visitor-card', ParleyVisitorCard)
      }
    }
    this.cardReady = true
  }

  /** On each new assignment: the routing log's last transfer note, if it has one. */
  #fetchNote(): void {
    const summary = this.#summary()
    const key = summary?.operator ? `${summary.id}:${summary.operator.id}` : ''
    if (!this.api || key === this.#noteFor) return
    this.#noteFor = key
    this.transferNote = ''
    if (!summary || !key) return
    this.api
      .get<RoutingLogReply>(`/v1/conversations/${encodeURIComponent(summary.id)}/routing`)
      .then(
        ({ entries }) => {
          // The last transfer's note, unless the conversation moved on to someone else since.
          const at = entries.findLastIndex((e) => e.type === 'transferred')
          const since = entries.slice(at + 1)
          const moved = since.some(
            (e) =>
              e.type === 'queued' ||
              (e.type === 'assigned' && e.operatorId !== summary.operator?.id),
          )
          const note = at >= 0 ? entries[at]!.note : undefined
          if (this.#noteFor === key && note && !moved) this.transferNote = note
        },
        () => {
          // No note is no loss: the conversation itself still shows.
        },
      )
  }

  #summary(): ConversationSummary | undefined {
    return this.#conversations.value?.find((c) => c.id === this.conversationId)
  }

  #open(): void {
    const { client, conversationId } = this
    this.error = ''
    this.closing = false
    this.accepting = false
    this.targets = undefined
    this.closeOpen = false
    this.notice = ''
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
        if (this.conversationId !== conversationId) return
        this.history = 'loaded'
        void this.#reachFocus(client, conversationId)
      },
      (error: unknown) => {
        if (this.conversationId !== conversationId) return
        this.history = 'failed'
        this.error = `Could not load the history: ${errorMessage(error, 'unknown error')}`
      },
    )
  }

  /**
   * Pages on through the history (`loadHistory` after the highest seq below it) until the
   * message `focusSeq` names is loaded, so a search result deep in a long conversation is
   * shown; stops when a page brings nothing nearer.
   */
  async #reachFocus(client: OperatorClient, conversationId: string): Promise<void> {
    let reached = -1
    for (;;) {
      const seq = this.focusSeq
      if (seq === undefined || this.conversationId !== conversationId) return
      const seqs = client
        .messages(conversationId)
        .get()
        .map((m) => m.seq ?? 0)
      if (seqs.includes(seq)) return
      const below = Math.max(0, ...seqs.filter((s) => s < seq))
      if (below <= reached) return
      reached = below
      try {
        await client.loadHistory(conversationId, { after: below })
      } catch (error) {
        if (this.conversationId === conversationId) {
          this.error = `Could not load the history: ${errorMessage(error, 'unknown error')}`
        }
        return
      }
    }
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
    const channel = channelLabel(summary?.channel)
    const waiting = summary ? isWaiting(summary) : false
    const details = [
      summary?.operator
        ? `Assigned to ${operatorLabel(summary.operator)}`
        : waiting
          ? `Waiting since ${formatTime(summary!.createdAt)}`
          : 'Unassigned',
      summary?.page,
    ].filter(Boolean)
    const typing = !closed && Boolean(this.#visitorTyping.value?.[this.conversationId])
    const revision = summary
      ? [summary.visitorName, summary.visitorPhone, summary.visitorEmail].join('\n')
      : ''
    return html`
      <div class="chat">
      <div class="top">
      <header>
        <div class="title">
          <h2>
            ${title} ${kind ? html`<span class="kind">${kind}</span>` : nothing}
            ${channel ? html`<span class="kind channel">${channel}</span>` : nothing}
          </h2>
          ${summary ? this.#renderContact(summary) : nothing}
          <p class="details">
            ${closed ? html`<span class="state-closed">Closed</span> · ` : nothing}${details.join(' · ')}
          </p>
          ${closed && summary?.rating ? this.#renderRating(summary) : nothing}
        </div>
        <div class="actions">
          ${
            waiting
              ? html`<button
                  class="primary"
                  type="button"
                  ?disabled=${this.accepting}
                  @click=${this.#accept}
                >
                  Accept
                </button>`
              : nothing
          }
          ${
            !closed && summary?.operator
              ? html`<button
                  type="button"
                  aria-expanded=${this.targets ? 'true' : 'false'}
                  @click=${this.#toggleTransfer}
                >
                  Transfer…
                </button>`
              : nothing
          }
          <button
            type="button"
            aria-expanded=${this.showCard ? 'true' : 'false'}
            @click=${() => (this.showCard = !this.showCard)}
          >
            Visitor
          </button>
          <button
            class="close"
            type="button"
            aria-expanded=${this.closeOpen ? 'true' : 'false'}
            ?disabled=${closed || this.closing}
            @click=${() => this.#askClose()}
          >
            Close conversation
          </button>
        </div>
      </header>
      ${summary?.lead ? html`<parley-lead-controls .api=${this.api} .conversation=${summary}></parley-lead-controls>` : nothing}
      ${
        this.closeOpen && !closed
          ? html`<parley-close-form
              .suggestions=${this.#tagsInUse()}
              .busy=${this.closing}
              @close-confirm=${(e: CustomEvent<CloseConfirmDetail>) => this.#close(e.detail.tags)}
              @close-cancel=${() => (this.closeOpen = false)}
            ></parley-close-form>`
          : nothing
      }
      ${this.targets && !closed ? this.#renderTransfer(this.targets) : nothing}
      ${
        this.transferNote && !closed
          ? html`<p class="notice" role="note" aria-label="Transfer note">
              Note with the transfer: “${this.transferNote}”
            </p>`
          : nothing
      }
      </div>
      <parley-message-log
        .messages=${this.#messages.value ?? []}
        .visitorTitle=${title}
        .loading=${this.history === 'loading'}
        .kind=${summary?.kind}
        .focusSeq=${this.focusSeq}
        .deliveries=${this.deliveries}
      ></parley-message-log>
      <p class="typing" role="status">${typing ? 'Visitor is typing…' : ''}</p>
      ${
        this.error
          ? html`<p role="alert">${this.error}</p>`
          : this.notice
            ? html`<p class="notice" role="status">${this.notice}</p>`
            : html`<div></div>`
      }
      ${keyed(
        // One composer per conversation: a draft or a photo never moves to another visitor.
        this.conversationId,
        html`<parley-reply-composer
        ?disabled=${closed}
        ?attachable=${Boolean(this.api && summary?.channel && PHOTO_CHANNELS.includes(summary.channel))}
        .canned=${this.canned}
        @reply-send=${this.#send}
        @reply-typing=${this.#typing}
        @reply-file=${() => (this.error = '')}
      ></parley-reply-composer>`,
      )}
      </div>
      ${
        this.showCard
          ? html`<div class="side">
              <button class="hide-card" type="button" @click=${() => (this.showCard = false)}>
                ← Back to the conversation
              </button>
              ${
                this.cardReady
                  ? html`<parley-visitor-card
                      .api=${this.api}
                      .conversationId=${this.conversationId}
                      .revision=${revision}
                    ></parley-visitor-card>`
                  : html`<p class="loading" role="status">Loading the visitor…</p>`
              }
            </div>`
          : nothing
      }
    `
  }

  /** The transfer to `person`: within the conversation's group, else a site group of theirs. */
  #targetOf(
    person: TeamMember,
    groups: TransferTargets['groups'],
  ): TransferFrame['to'] | undefined {
    const current = this.#summary()?.group
    if (current && person.groups.includes(current)) return { operatorId: person.id }
    const theirs = groups.find((g) => person.groups.includes(g.id))
    return theirs ? { operatorId: person.id, groupId: theirs.id } : undefined
  }

  #renderTransfer(targets: TransferTargets) {
    const me = this.client?.$profile.get()?.id
    const people = targets.people.filter(
      (p) => p.id !== me && p.kind === 'human' && this.#targetOf(p, targets.groups),
    )
    return html`<form class="transfer" aria-label="Transfer the conversation" @submit=${this.#transfer}>
      <label
        >To
        <select name="to" required>
          <optgroup label="Groups (their routing picks who)">
            ${targets.groups.map((g) => html`<option value="g:${g.id}">${g.name}</option>`)}
          </optgroup>
          <optgroup label="People">
            ${people.map((p) => {
              const label = `${p.name} — ${STATUS_WORDS[p.status]}, ${p.open} open`
              return html`<option value="o:${p.id}" ?disabled=${p.status === 'offline'}>${label}</option>`
            })}
          </optgroup>
        </select>
      </label>
      <label class="note"
        >Note for them (the visitor does not see it)
        <input name="note" maxlength="2000" autocomplete="off" />
      </label>
      <button class="primary" type="submit" ?disabled=${this.transferring}>Transfer</button>
      <button type="button" @click=${() => (this.targets = undefined)}>Cancel</button>
    </form>`
  }

  #renderContact(summary: ConversationSummary) {
    const { phone, email } = contactDetails(summary)
    if (!phone && !email) return nothing
    return html`<p class="contact">
      ${phone ? html`<a href="tel:${phone}" aria-label="Phone ${formatPhone(phone)}">${formatPhone(phone)}</a>` : nothing}
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
    const { client, conversationId, api } = this
    if (!client || !conversationId) return
    this.error = ''
    const { text, file } = event.detail
    let attachment: { attachmentId: string; data: Record<string, string> } | undefined
    if (file && api) {
      const upload = this.#upload(api, conversationId, file)
      event.detail.waitUntil(upload)
      try {
        attachment = await upload
      } catch {
        return
      }
    }
    try {
      await client.send(conversationId, text, attachment)
    } catch (error) {
      if (this.conversationId === conversationId) {
        this.error = `Message not sent: ${errorMessage(error, 'unknown error')}`
      }
    }
  }

  /** Stores the photo with the relay; its refusal (too large, not an image) is shown as it says. */
  async #upload(
    api: RestApi,
    conversationId: string,
    file: File,
  ): Promise<{ attachmentId: string; data: Record<string, string> }> {
    const form = new FormData()
    form.append('file', file, file.name)
    try {
      const { attachment } = await api.upload<AttachmentReply>(
        'POST',
        `/v1/conversations/${encodeURIComponent(conversationId)}/attachments`,
        form,
      )
      return {
        attachmentId: attachment.id,
        // Shown on the pending message until the relay's event replaces it.
        data: {
          attachmentId: attachment.id,
          attachmentName: attachment.name,
          attachmentType: attachment.type,
          attachmentSize: String(attachment.size),
        },
      }
    } catch (error) {
      if (this.conversationId === conversationId) {
        this.error = `Photo not sent: ${errorMessage(error, 'unknown error')}`
      }
      throw error
    }
  }

  #typing(event: CustomEvent<ReplyTypingDetail>): void {
    if (this.client && this.conversationId) {
      this.client.setTyping(this.conversationId, event.detail.typing)
    }
  }

  /** Accepts the open conversation if it waits (the keyboard's Alt+A). */
  acceptWaiting(): Promise<void> {
    const summary = this.#summary()
    return summary && isWaiting(summary) ? this.#accept() : Promise.resolve()
  }

  /** Asks to close the open conversation, with tags (Alt+X): the close form, its field focused. */
  closeOpenConversation(): Promise<void> {
    return this.#summary()?.status === 'open' ? this.#askClose() : Promise.resolve()
  }

  async #askClose(): Promise<void> {
    this.closeOpen = true
    await this.updateComplete
    this.renderRoot.querySelector('parley-close-form')?.focus()
  }

  /** Tags on the conversations the operator has, most used first. */
  #tagsInUse(): string[] {
    const counts = new Map<string, number>()
    for (const c of this.#conversations.value ?? []) {
      for (const tag of c.tags ?? []) counts.set(tag, (counts.get(tag) ?? 0) + 1)
    }
    return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([t]) => t)
  }

  /** Puts the cursor in the reply box (Alt+R). */
  focusReply(): void {
    this.renderRoot.querySelector('parley-reply-composer')?.focus()
  }

  async #accept(): Promise<void> {
    const { client, conversationId } = this
    if (!client || !conversationId) return
    this.accepting = true
    this.error = ''
    try {
      await client.accept(conversationId)
    } catch (error) {
      if (this.conversationId === conversationId) {
        this.error = `Not accepted: ${errorMessage(error, 'unknown error')}`
      }
    } finally {
      if (this.conversationId === conversationId) this.accepting = false
    }
  }

  async #toggleTransfer(): Promise<void> {
    if (this.targets) {
      this.targets = undefined
      return
    }
    const summary = this.#summary()
    if (!this.api || !summary) return
    this.error = ''
    this.notice = ''
    try {
      const [groups, team] = await Promise.all([
        this.api.get<GroupListReply>(
          `/v1/admin/sites/${encodeURIComponent(summary.siteId)}/groups`,
        ),
        this.api.get<TeamReply>('/v1/team'),
      ])
      if (this.conversationId === summary.id) {
        this.targets = { groups: groups.groups, people: team.members }
      }
    } catch (error) {
      this.error = `Could not list where to transfer: ${errorMessage(error, 'unknown error')}`
    }
  }

  async #transfer(event: SubmitEvent): Promise<void> {
    event.preventDefault()
    const { client, conversationId, targets } = this
    if (!client || !conversationId || !targets) return
    const data = new FormData(event.target as HTMLFormElement)
    const [kind, id] = String(data.get('to') ?? '').split(/:(.*)/s) as [string, string]
    const person = kind === 'o' ? targets.people.find((p) => p.id === id) : undefined
    const to = person ? this.#targetOf(person, targets.groups) : { groupId: id }
    if (!to) return
    const name = person ? person.name : targets.groups.find((g) => g.id === id)?.name
    this.transferring = true
    this.error = ''
    try {
      await client.transfer(conversationId, to, String(data.get('note') ?? ''))
      if (this.conversationId === conversationId) {
        this.targets = undefined
        this.notice = `Transferred to ${name ?? 'them'}.`
      }
    } catch (error) {
      if (this.conversationId === conversationId) {
        this.error = `Not transferred: ${errorMessage(error, 'unknown error')}`
      }
    } finally {
      this.transferring = false
    }
  }

  async #close(tags: string[]): Promise<void> {
    const { client, conversationId } = this
    if (!client || !conversationId) return
    this.closing = true
    this.error = ''
    try {
      await client.close(conversationId, tags)
      if (this.conversationId === conversationId) this.closeOpen = false
    } catch (error) {
      if (this.conversationId === conversationId) {
        this.error = `Could not close the conversation: ${errorMessage(error, 'unknown error')}`
      }
    } finally {
      if (this.conversationId === conversationId) this.closing = false
    }
  }
}
