import type { ConversationKind } from '@parley/protocol'
import { css, html, LitElement } from 'lit'
import { formRows, formTitle } from './form-fields.ts'
import { base } from './theme.ts'

let nextId = 0

/**
 * `<parley-form-card>`: a submitted form (callback request, offline message) as a
 * block named by its heading (`role="group"`), each field as a label and its value,
 * as plain text (never HTML).
 */
export class ParleyFormCard extends LitElement {
  static override properties = {
    data: { attribute: false },
    kind: { attribute: false },
  }

  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      [role='group'] {
        border: 1px solid var(--parley-border);
        border-left: 4px solid var(--parley-accent);
        border-radius: var(--parley-radius);
        background: var(--parley-surface);
        padding: 0.6rem 0.85rem;
      }
      h3 {
        margin: 0 0 0.4rem;
        font-size: 0.9rem;
      }
      dl {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: 0.25rem 0.9rem;
        margin: 0;
        font-size: 0.9rem;
      }
      dt {
        color: var(--parley-text-muted);
      }
      dd {
        margin: 0;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
    `,
  ]

  /** The event's normalised fields. */
  declare data: Readonly<Record<string, string>>
  /** The conversation's kind, for the heading. */
  declare kind: ConversationKind | undefined

  readonly #headingId = `parley-form-${++nextId}`

  constructor() {
    super()
    this.data = {}
  }

  override render() {
    return html`<div role="group" aria-labelledby=${this.#headingId}>
      <h3 id=${this.#headingId}>${formTitle(this.data, this.kind)}</h3>
      <dl>
        ${formRows(this.data).map((row) => html`<dt>${row.label}</dt><dd>${row.value}</dd>`)}
      </dl>
    </div>`
  }
}
