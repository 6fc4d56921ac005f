import { css, html, LitElement, nothing } from 'lit'
import { base } from './theme.ts'

/**
 * The relay's limits (`MAX_TAGS`, `MAX_TAG_LENGTH` in `@parley/protocol`, repeated here so the
 * console bundle imports no schema code; close-form.test.ts checks they agree).
 */
export const TAG_LIMITS = { tags: 10, length: 32 } as const
const MAX_TAGS = TAG_LIMITS.tags
const MAX_TAG_LENGTH = TAG_LIMITS.length

/** Detail of `close-confirm`: the tags to store with the closing. */
export interface CloseConfirmDetail {
  tags: string[]
}

/**
 * Tags as typed: split at commas, trimmed, inner spaces collapsed, lower case, distinct,
 * empty ones dropped — what the relay stores.
 */
export function parseTags(text: string): string[] {
  const out = new Set<string>()
  for (const part of text.split(',')) {
    const tag = part.trim().replace(/\s+/g, ' ').toLowerCase()
    if (tag) out.add(tag)
  }
  return [...out]
}

/**
 * `<parley-close-form>`: "Close the conversation" with optional tags, typed comma-separated or
 * picked from `suggestions` (the tags already in use). Fires `close-confirm` with the tags, or
 * `close-cancel`. Checks the relay's limits first (at most 10 tags of up to 32 characters).
 */
export class ParleyCloseForm extends LitElement {
  static override properties = {
    suggestions: { attribute: false },
    busy: { attribute: false },
    problem: { state: true },
    tags: { state: true },
  }

  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      form {
        display: flex;
        flex-wrap: wrap;
        align-items: flex-end;
        gap: 0.6rem;
        padding: 0.75rem 1.25rem;
        background: var(--parley-surface-muted);
        border-bottom: 1px solid var(--parley-border);
      }
      .field {
        display: grid;
        gap: 0.2rem;
        flex: 1;
        min-width: min(100%, 14rem);
      }
      label {
        font-size: 0.8rem;
        font-weight: 600;
      }
      input {
        font: inherit;
        font-weight: 400;
        padding: 0.4rem 0.5rem;
        border: 1px solid var(--parley-border);
        border-radius: var(--parley-radius);
        background: var(--parley-surface);
        color: var(--parley-text);
      }
      .picks {
        display: flex;
        flex-wrap: wrap;
        gap: 0.3rem;
        flex-basis: 100%;
        margin: 0;
        padding: 0;
        list-style: none;
      }
      .picks button {
        font-size: 0.78rem;
        padding: 0.15rem 0.55rem;
        border-radius: 999px;
      }
      [role='alert'] {
        flex-basis: 100%;
        font-size: 0.85rem;
      }
    `,
  ]

  /** Tags already in use, offered with one click. */
  declare suggestions: readonly string[]
  declare busy: boolean
  declare problem: string
  /** What the tags field holds. */
  declare tags: string

  constructor() {
    super()
    this.suggestions = []
    this.busy = false
    this.problem = ''
    this.tags = ''
  }

  /** Puts the cursor in the tags field. */
  override focus(): void {
    this.renderRoot.querySelector('input')?.focus()
  }

  override render() {
    const chosen = parseTags(this.tags)
    const offered = this.suggestions.filter((s) => !chosen.includes(s)).slice(0, 12)
    return html`<form aria-label="Close the conversation" @submit=${this.#submit}>
      <div class="field">
        <label for="tags">Tags (optional, separated by commas)</label>
        <input
          id="tags"
          name="tags"
          autocomplete="off"
          .value=${this.tags}
          @input=${(e: Event) => (this.tags = (e.target as HTMLInputElement).value)}
          @keydown=${(e: KeyboardEvent) => {
            if (e.key === 'Escape') this.#cancel()
          }}
        />
      </div>
      <button class="primary" type="submit" ?disabled=${this.busy}>Close</button>
      <button type="button" @click=${this.#cancel}>Cancel</button>
      ${
        offered.length > 0
          ? html`<ul class="picks" aria-label="Tags in use">
              ${offered.map(
                (tag) => html`<li>
                  <button type="button" aria-label="Add tag ${tag}" @click=${() => this.#add(tag)}>
                    ${tag}
                  </button>
                </li>`,
              )}
            </ul>`
          : nothing
      }
      ${this.problem ? html`<p role="alert">${this.problem}</p>` : nothing}
    </form>`
  }

  #add(tag: string): void {
    this.tags = [...parseTags(this.tags), tag].join(', ')
  }

  #submit(event: SubmitEvent): void {
    event.preventDefault()
    const tags = parseTags(this.tags)
    if (tags.length > MAX_TAGS) {
      this.problem = `At most ${MAX_TAGS} tags.`
      return
    }
    const long = tags.find((t) => t.length > MAX_TAG_LENGTH)
    if (long) {
      this.problem = `A tag is at most ${MAX_TAG_LENGTH} characters: “${long}” is longer.`
      return
    }
    this.problem = ''
    this.dispatchEvent(new CustomEvent<CloseConfirmDetail>('close-confirm', { detail: { tags } }))
  }

  #cancel(): void {
    this.dispatchEvent(new CustomEvent('close-cancel'))
  }
}
