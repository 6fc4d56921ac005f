import { css, html, LitElement } from 'lit'
import { base } from '../theme.ts'

/** The script tag that puts the widget of `siteId` on a page, loaded from `origin` (the relay). */
export function embedSnippet(origin: string, siteId: string): string {
  const site = siteId.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`)
  return `<script async src="${origin}/widget/loader.js" data-site="${site}"></script>`
}

/**
 * `<parley-embed-snippet>`: the one line a site owner pastes before `</body>`, in a read-only
 * field with a Copy button that says when it copied.
 */
export class ParleyEmbedSnippet extends LitElement {
  static override properties = {
    siteId: { attribute: false },
    origin: { attribute: false },
    copied: { state: true },
  }

  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
      }
      textarea {
        flex: 1;
        min-width: min(100%, 16rem);
        font: 0.85rem ui-monospace, SFMono-Regular, Menlo, monospace;
        padding: 0.5rem;
        border: 1px solid var(--parley-border);
        border-radius: var(--parley-radius);
        background: var(--parley-surface-muted);
        color: var(--parley-text);
        resize: none;
      }
      p {
        margin: 0 0 0.5rem;
        color: var(--parley-text-muted);
        font-size: 0.9rem;
      }
      [role='status'] {
        margin: 0.35rem 0 0;
        color: var(--parley-success);
      }
    `,
  ]

  declare siteId: string
  /** Where the relay answers; @default location.origin */
  declare origin: string
  declare copied: boolean

  constructor() {
    super()
    this.siteId = ''
    this.origin = typeof location === 'undefined' ? '' : location.origin
    this.copied = false
  }

  override render() {
    const snippet = embedSnippet(this.origin, this.siteId)
    return html`<p>Paste this line into every page of the site, before <code>&lt;/body&gt;</code>.</p>
      <div class="row">
        <textarea
          readonly
          rows="3"
          aria-label="Embed snippet"
          .value=${snippet}
          @focus=${(e: FocusEvent) => (e.target as HTMLTextAreaElement).select()}
        ></textarea>
        <button type="button" @click=${() => this.#copy(snippet)}>Copy snippet</button>
      </div>
      <p role="status">${this.copied ? 'Copied.' : ''}</p>`
  }

  async #copy(text: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(text)
      this.copied = true
    } catch {
      // No clipboard (an insecure origin): the field selects itself on focus, ready for Ctrl+C.
      this.renderRoot.querySelector('textarea')?.focus()
    }
  }
}
