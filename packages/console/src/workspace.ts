import type { OperatorClient } from '@parley/client'
import type { OperatorProfile } from '@parley/protocol'
import { css, html, LitElement } from 'lit'
import type { ConversationSelectDetail } from './conversation-list.ts'
import type { HistoryOpenDetail } from './history/history-search.ts'
import { Notifier } from './notifier.ts'
import type { RestApi } from './rest-api.ts'
import { sectionsFor } from './settings/sections.ts'
import { base } from './theme.ts'

/** Which area of the console is open: the inbox, the history search, a settings screen, or an analytics tab. */
export type WorkspaceView =
  | { name: 'inbox' }
  | { name: 'history' }
  | { name: 'settings'; sectionId: string | undefined }
  | { name: 'analytics'; tab: string | undefined }

/** Roles that see the Analytics area (the relay's `analytics:read`). */
export const ANALYTICS_ROLES: readonly string[] = ['admin', 'supervisor']

/** The keyboard shortcuts, as the `?` sheet lists them. */
export const SHORTCUTS: readonly { keys: string; what: string }[] = [
  { keys: 'Alt + ↓ / Alt + ↑', what: 'Next / previous conversation in the list' },
  { keys: 'Alt + A', what: 'Accept the open conversation when it waits' },
  { keys: 'Alt + R', what: 'Write a reply' },
  { keys: 'Enter / Shift + Enter', what: 'Send / new line' },
  { keys: '/', what: 'In a reply: canned responses by shortcut' },
  { keys: 'Alt + X', what: 'Close the open conversation' },
  { keys: '?', what: 'This list (outside a text field)' },
]

/** Whether a key event comes from a place where typing goes (then `?` is a character). */
function typingIn(event: KeyboardEvent): boolean {
  const target = event.composedPath()[0]
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))
  )
}

/** Most conversations whose "seen up to" the console remembers per operator. */
const SEEN_LIMIT = 500

const seenKey = (operatorId: string) => `parley:console:seen:${operatorId}`

/**
 * The last `seq` the operator saw per conversation, as this browser remembers it (so "New"
 * marks survive a reload). The console's own storage: nothing here is a visitor's.
 */
function loadSeen(operatorId: string | undefined): Record<string, number> {
  if (!operatorId) return {}
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(seenKey(operatorId)) ?? '{}')
    if (!parsed || typeof parsed !== 'object') return {}
    return Object.fromEntries(
      Object.entries(parsed).filter(([, seq]) => Number.isInteger(seq) && (seq as number) >= 0),
    ) as Record<string, number>
  } catch {
    return {}
  }
}

function saveSeen(operatorId: string | undefined, seen: Record<string, number>): void {
  if (!operatorId) return
  // Newest entries last: keep the most recently marked ones.
  const entries = Object.entries(seen).slice(-SEEN_LIMIT)
  try {
    localStorage.setItem(seenKey(operatorId), JSON.stringify(Object.fromEntries(entries)))
  } catch {
    // Storage full or blocked: the marks last until the reload.
  }
}

/**
 * `#settings` or `#settings/<id>` opens the settings, `#history` the search, `#analytics` or
 * `#analytics/<tab>` the analytics; any other address the inbox.
 */
export function viewOf(hash: string): WorkspaceView {
  if (hash === '#history') return { name: 'history' }
  const analytics = /^#analytics(?:\/([a-z0-9-]+))?$/.exec(hash)
  if (analytics) return { name: 'analytics', tab: analytics[1] }
  const match = /^#settings(?:\/([a-z0-9-]+))?$/.exec(hash)
  return match ? { name: 'settings', sectionId: match[1] } : { name: 'inbox' }
}

/**
 * `<parley-workspace>`: the logged-in layout. Status bar on top; below it the inbox (the
 * conversation list on the left, the open conversation on the right) or, at `#settings…`,
 * the settings. Remembers the last `seq` the operator saw per conversation, for the
 * list's "New" markers.
 */
export class ParleyWorkspace extends LitElement {
  static override properties = {
    client: { attribute: false },
    operator: { attribute: false },
    api: { attribute: false },
    selectedId: { state: true },
    focusSeq: { state: true },
    seen: { state: true },
    view: { state: true },
  }

  static override styles = [
    base,
    css`
      :host {
        display: grid;
        grid-template-rows: auto 1fr;
        height: 100%;
        min-height: 0;
        background: var(--parley-bg);
      }
      .panes {
        display: grid;
        grid-template-columns: minmax(15rem, 22rem) minmax(0, 1fr);
        min-height: 0;
      }
      .back {
        display: none;
      }
      /* A phone: the list, or the open conversation with a way back to the list. */
      @media (max-width: 40rem) {
        .panes {
          grid-template-columns: minmax(0, 1fr);
        }
        .panes.open parley-conversation-list,
        .panes:not(.open) main {
          display: none;
        }
        main {
          display: grid;
          grid-template-rows: auto minmax(0, 1fr);
        }
        .back {
          display: block;
          justify-self: start;
          margin: 0.4rem 0.75rem;
          font-size: 0.85rem;
          padding: 0.3rem 0.7rem;
        }
      }
      main {
        min-width: 0;
        min-height: 0;
      }
      dialog.shortcuts {
        border: 1px solid var(--parley-border);
        border-radius: var(--parley-radius);
        background: var(--parley-surface);
        color: var(--parley-text);
        padding: 1.25rem 1.5rem;
        max-width: min(34rem, 92vw);
      }
      dialog.shortcuts::backdrop {
        background: rgb(0 0 0 / 0.35);
      }
      dialog.shortcuts h2 {
        margin: 0 0 0.75rem;
        font-size: 1.1rem;
      }
      dialog.shortcuts dl {
        display: grid;
        grid-template-columns: auto 1fr;
        gap: 0.45rem 1rem;
        margin: 0 0 1rem;
      }
      dialog.shortcuts dd {
        margin: 0;
      }
      kbd {
        font-family: ui-monospace, SFMono-Regular, Menlo, monospace;
        font-size: 0.85rem;
        padding: 0.05rem 0.35rem;
        border: 1px solid var(--parley-border);
        border-radius: 4px;
        background: var(--parley-surface-muted);
        white-space: nowrap;
      }
      .placeholder {
        display: grid;
        place-items: center;
        height: 100%;
        margin: 0;
        color: var(--parley-text-muted);
      }
    `,
  ]

  declare client: OperatorClient | undefined
  declare operator: OperatorProfile | undefined
  /** REST for the settings screens. */
  declare api: RestApi | undefined
  declare selectedId: string | undefined
  /** The message to bring into view in the open conversation (a history result). */
  declare focusSeq: number | undefined
  declare seen: Readonly<Record<string, number>>
  declare view: WorkspaceView

  /** Whether the settings chunk is loaded and its elements defined. */
  #settingsReady = false
  #settingsProblem = ''
  /** Whether the history chunk is loaded and its elements defined. */
  #historyReady = false
  #historyProblem = ''
  /** Whether the analytics chunk is loaded and its elements defined. */
  #analyticsReady = false
  #analyticsProblem = ''

  #offConversations: (() => void) | undefined
  #notifier: Notifier | undefined

  readonly #onKey = (event: KeyboardEvent) => {
    if (event.defaultPrevented || event.isComposing || this.view.name !== 'inbox') return
    const view = this.renderRoot.querySelector('parley-conversation')
    if (event.altKey && !event.ctrlKey && !event.metaKey) {
      const action: Record<string, () => void> = {
        ArrowDown: () => this.#step(1),
        ArrowUp: () => this.#step(-1),
        KeyA: () => void view?.acceptWaiting(),
        KeyR: () => view?.focusReply(),
        KeyX: () => void view?.closeOpenConversation(),
      }
      const run = action[event.code]
      if (!run) return
      event.preventDefault()
      run()
      return
    }
    if (event.key === '?' && !typingIn(event)) {
      event.preventDefault()
      this.renderRoot.querySelector<HTMLDialogElement>('dialog.shortcuts')?.showModal()
    }
  }

  /** Opens the next (`1`) or previous (`-1`) conversation the list shows. */
  #step(direction: 1 | -1): void {
    const ids = this.renderRoot.querySelector('parley-conversation-list')?.visibleIds() ?? []
    if (ids.length === 0) return
    const at = this.selectedId ? ids.indexOf(this.selectedId) : -1
    const next =
      at === -1
        ? direction === 1
          ? 0
          : ids.length - 1
        : Math.max(0, Math.min(ids.length - 1, at + direction))
    this.#open(ids[next]!)
  }

  readonly #onHash = () => {
    this.view = viewOf(location.hash)
    if (this.view.name === 'settings') void this.#loadSettings()
    if (this.view.name === 'history') void this.#loadHistory()
    if (this.view.name === 'analytics') void this.#loadAnalytics()
    // `#conversation=<id>`: the link a CRM lead carries opens that conversation.
    const link = /^#conversation=([^&]+)$/.exec(location.hash)
    if (link) this.#open(decodeURIComponent(link[1]!))
  }

  /** Loads the history search the first time it is opened. */
  async #loadHistory(): Promise<void> {
    if (this.#historyReady) return
    try {
      const { defineHistoryElements } = await import('./history/elements.ts')
      defineHistoryElements()
      this.#historyReady = true
      this.#historyProblem = ''
    } catch {
      this.#historyProblem = 'Could not load the history search. Check the connection and reload.'
    }
    this.requestUpdate()
  }

  /** Loads the analytics area (its own chunk, with the chart library) the first time. */
  async #loadAnalytics(): Promise<void> {
    if (this.#analyticsReady) return
    try {
      const { defineAnalyticsElements } = await import('./analytics/elements.ts')
      defineAnalyticsElements()
      this.#analyticsReady = true
      this.#analyticsProblem = ''
    } catch {
      this.#analyticsProblem = 'Could not load the analytics. Check the connection and reload.'
    }
    this.requestUpdate()
  }

  /** Loads the settings screens the first time they are opened. */
  async #loadSettings(): Promise<void> {
    if (this.#settingsReady) return
    try {
      const { defineSettingsElements } = await import('./settings/elements.ts')
      defineSettingsElements()
      this.#settingsReady = true
      this.#settingsProblem = ''
    } catch {
      this.#settingsProblem = 'Could not load the settings. Check the connection and reload.'
    }
    this.requestUpdate()
  }

  constructor() {
    super()
    this.seen = {}
    this.view = { name: 'inbox' }
  }

  override connectedCallback(): void {
    super.connectedCallback()
    this.#onHash()
    addEventListener('hashchange', this.#onHash)
    addEventListener('keydown', this.#onKey)
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    removeEventListener('hashchange', this.#onHash)
    removeEventListener('keydown', this.#onKey)
    this.#offConversations?.()
    this.#offConversations = undefined
    this.#notifier?.destroy()
    this.#notifier = undefined
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('operator')) this.seen = loadSeen(this.operator?.id)
    if (changed.has('client')) {
      this.#notifier?.destroy()
      this.#notifier = this.client
        ? new Notifier(this.client, (id) => {
            location.hash = ''
            this.#open(id)
          })
        : undefined
      this.#offConversations?.()
      // What arrives in the open conversation is seen as it arrives.
      this.#offConversations = this.client?.$conversations.listen((list) => {
        const open = list.find((c) => c.id === this.selectedId)
        if (open && open.lastSeq > (this.seen[open.id] ?? 0)) {
          this.#markSeen({ [open.id]: open.lastSeq })
        }
      })
    }
  }

  #markSeen(update: Record<string, number>): void {
    const seen = { ...this.seen }
    // Re-inserted, so the most recently seen come last and survive the limit.
    for (const [id, seq] of Object.entries(update)) {
      delete seen[id]
      seen[id] = seq
    }
    this.seen = seen
    saveSeen(this.operator?.id, seen)
  }

  override render() {
    const settings = sectionsFor(this.operator?.role).length > 0
    const analytics = ANALYTICS_ROLES.includes(this.operator?.role ?? '')
    return html`
      <parley-status-bar
        .client=${this.client}
        .operator=${this.operator}
        .view=${this.view.name}
        .settings=${settings}
        .analytics=${analytics}
        .notifier=${this.#notifier}
        @show-shortcuts=${() =>
          this.renderRoot.querySelector<HTMLDialogElement>('dialog.shortcuts')?.showModal()}
      ></parley-status-bar>
      ${
        this.view.name === 'settings'
          ? this.#renderSettings(this.view.sectionId)
          : this.view.name === 'history'
            ? this.#renderHistory()
            : this.view.name === 'analytics'
              ? this.#renderAnalytics(this.view.tab)
              : this.#renderInbox()
      }
      <dialog class="shortcuts" aria-labelledby="shortcuts-title">
        <h2 id="shortcuts-title">Keyboard shortcuts</h2>
        <dl>
          ${SHORTCUTS.map((s) => html`<dt><kbd>${s.keys}</kbd></dt><dd>${s.what}</dd>`)}
        </dl>
        <form method="dialog"><button class="primary" type="submit">Close</button></form>
      </dialog>
    `
  }

  #renderSettings(sectionId: string | undefined) {
    if (this.#settingsProblem)
      return html`<p class="placeholder" role="alert">${this.#settingsProblem}</p>`
    if (!this.#settingsReady)
      return html`<p class="placeholder" role="status">Loading settings…</p>`
    return html`<parley-settings
      .api=${this.api}
      .operator=${this.operator}
      .sectionId=${sectionId}
    ></parley-settings>`
  }

  #renderHistory() {
    if (this.#historyProblem)
      return html`<p class="placeholder" role="alert">${this.#historyProblem}</p>`
    if (!this.#historyReady) return html`<p class="placeholder" role="status">Loading history…</p>`
    return html`<parley-history
      .api=${this.api}
      .operator=${this.operator}
      @history-open=${this.#openFound}
    ></parley-history>`
  }

  /** A history result: back to the inbox, with its conversation open at that message. */
  #openFound(event: CustomEvent<HistoryOpenDetail>): void {
    const { conversationId, seq } = event.detail
    location.hash = ''
    this.view = { name: 'inbox' }
    this.#open(conversationId)
    this.focusSeq = seq
  }

  #renderAnalytics(tab: string | undefined) {
    if (!ANALYTICS_ROLES.includes(this.operator?.role ?? '')) {
      return html`<p class="placeholder">Analytics are for supervisors and admins.</p>`
    }
    if (this.#analyticsProblem)
      return html`<p class="placeholder" role="alert">${this.#analyticsProblem}</p>`
    if (!this.#analyticsReady)
      return html`<p class="placeholder" role="status">Loading analytics…</p>`
    return html`<parley-analytics
      .api=${this.api}
      .operator=${this.operator}
      .tab=${tab === 'channels' || tab === 'funnel' || tab === 'monitoring' ? tab : 'operators'}
    ></parley-analytics>`
  }

  #renderInbox() {
    return html`
      <div class="panes ${this.selectedId ? 'open' : ''}">
        <parley-conversation-list
          .client=${this.client}
          .selectedId=${this.selectedId}
          .seen=${this.seen}
          .api=${this.api}
          @conversation-select=${this.#select}
        ></parley-conversation-list>
        <main>
          <button class="back" type="button" @click=${() => (this.selectedId = undefined)}>
            ← Conversations
          </button>
          ${
            this.selectedId
              ? html`<parley-conversation
                .client=${this.client}
                .api=${this.api}
                .conversationId=${this.selectedId}
                .focusSeq=${this.focusSeq}
                @conversation-select=${this.#select}
              ></parley-conversation>`
              : html`<p class="placeholder">Select a conversation to read and reply.</p>`
          }
        </main>
      </div>
    `
  }

  #select(event: CustomEvent<ConversationSelectDetail>): void {
    this.#open(event.detail.conversationId)
  }

  #open(next: string): void {
    // Both the conversation being left and the one being opened count as seen up to now.
    const seen: Record<string, number> = {}
    for (const summary of this.client?.$conversations.get() ?? []) {
      if (summary.id === next || summary.id === this.selectedId) seen[summary.id] = summary.lastSeq
    }
    this.#markSeen(seen)
    this.selectedId = next
    this.focusSeq = undefined
  }
}
