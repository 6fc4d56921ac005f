import type { OperatorClient } from '@parley/client'
import type { OperatorProfile } from '@parley/protocol'
import { css, html, LitElement } from 'lit'
import type { ConversationSelectDetail } from './conversation-list.ts'
import { base } from './theme.ts'

/**
 * `<parley-workspace>`: the logged-in layout. Status bar on top, the conversation
 * list on the left, the open conversation on the right. Remembers the last `seq`
 * the operator saw per conversation, for the list's "New" markers.
 */
export class ParleyWorkspace extends LitElement {
  static override properties = {
    client: { attribute: false },
    operator: { attribute: false },
    selectedId: { state: true },
    seen: { state: true },
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
  declare selectedId: string | undefined
  declare seen: Readonly<Record<string, number>>

  constructor() {
    super()
    this.seen = {}
  }

  override render() {
    return html`
      <parley-status-bar .client=${this.client} .operator=${this.operator}></parley-status-bar>
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
