import type { OperatorClient } from '@parley/client'
import type { OperatorProfile } from '@parley/protocol'
import { css, html, LitElement } from 'lit'
import type { ConversationSelectDetail } from './conversation-list.ts'
import type { RestApi } from './rest-api.ts'
import { sectionsFor } from './settings/sections.ts'
import { base } from './theme.ts'

/** Which half of the console is open: the inbox, or a settings screen. */
export type WorkspaceView = { name: 'inbox' } | { name: 'settings'; sectionId: string | undefined }

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
        grid-template-columns: minmax(15rem, 22rem) 1fr;
        min-height: 0;
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

  readonly #onHash = () => {
    this.view = viewOf(location.hash)
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
      ${
        this.view.name === 'settings'
          ? html`<parley-settings
              .api=${this.api}
              .operator=${this.operator}
              .sectionId=${this.view.sectionId}
            ></parley-settings>`
          : this.#renderInbox()
      }
    `
  }

  #renderInbox() {
    return html`
      <div class="panes">
        <parley-conversation-list
          .client=${this.client}
          .selectedId=${this.selectedId}
          .seen=${this.seen}
          @conversation-select=${this.#select}
        ></parley-conversation-list>
        <main>
          ${
            this.selectedId
              ? html`<parley-conversation
                .client=${this.client}
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
    const seen = { ...this.seen }
    for (const summary of this.client?.$conversations.get() ?? []) {
      if (summary.id === next || summary.id === this.selectedId) seen[summary.id] = summary.lastSeq
    }
    this.seen = seen
    this.selectedId = next
  }
}
