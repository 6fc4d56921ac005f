import type { OperatorClient } from '@parley/client'
import type { OperatorProfile } from '@parley/protocol'
import { css, html, LitElement } from 'lit'
import type { ConversationSelectDetail } from './conversation-list.ts'
import type { RestApi } from './rest-api.ts'
import { sectionsFor } from './settings/sections.ts'
import { base } from './theme.ts'

/** Which half of the console is open: the inbox, or a settings screen. */
export type WorkspaceView = { name: 'inbox' } | { name: 'settings'; sectionId: string | undefined }

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

/** `#settings` or `#settings/<id>` opens the settings; any other address the inbox. */
export function viewOf(hash: string): WorkspaceView {
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
  declare seen: Readonly<Record<string, number>>
  declare view: WorkspaceView

  /** Whether the settings chunk is loaded and its elements defined. */
  #settingsReady = false
  #settingsProblem = ''

  #offConversations: (() => void) | undefined

  readonly #onHash = () => {
    this.view = viewOf(location.hash)
    if (this.view.name === 'settings') void this.#loadSettings()
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
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    removeEventListener('hashchange', this.#onHash)
    this.#offConversations?.()
    this.#offConversations = undefined
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('operator')) this.seen = loadSeen(this.operator?.id)
    if (changed.has('client')) {
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
    return html`
      <parley-status-bar
        .client=${this.client}
        .operator=${this.operator}
        .view=${this.view.name}
        .settings=${settings}
      ></parley-status-bar>
      ${this.view.name === 'settings' ? this.#renderSettings(this.view.sectionId) : this.#renderInbox()}
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

  #renderInbox() {
    return html`
      <div class="panes ${this.selectedId ? 'open' : ''}">
        <parley-conversation-list
          .client=${this.client}
          .selectedId=${this.selectedId}
          .seen=${this.seen}
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
              ></parley-conversation>`
              : html`<p class="placeholder">Select a conversation to read and reply.</p>`
          }
        </main>
      </div>
    `
  }

  #select(event: CustomEvent<ConversationSelectDetail>): void {
    const next = event.detail.conversationId
    // Both the conversation being left and the one being opened count as seen up to now.
    const seen: Record<string, number> = {}
    for (const summary of this.client?.$conversations.get() ?? []) {
      if (summary.id === next || summary.id === this.selectedId) seen[summary.id] = summary.lastSeq
    }
    this.#markSeen(seen)
    this.selectedId = next
  }
}
