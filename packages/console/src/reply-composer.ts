import type { CannedResponse } from '@parley/protocol'
import { css, html, LitElement, nothing } from 'lit'
import { matchCanned } from './canned-cache.ts'
import { base } from './theme.ts'

/** A draft that calls up canned responses: `/` and the start of a shortcut. */
const SHORTCUT = /^\/([\p{L}\p{N}_-]*)$/u

/** Detail of the `reply-send` event. */
export interface ReplySendDetail {
  text: string
}

/** Detail of the `reply-typing` event. */
export interface ReplyTypingDetail {
  typing: boolean
}

/**
 * `<parley-reply-composer>`: a textbox named "Reply" and a "Send" button. Enter sends,
 * Shift+Enter adds a line. Fires `reply-send` with the trimmed text and clears
 * itself, and `reply-typing` whenever "the draft is non-empty" flips. A draft of `/` and
 * the start of a shortcut lists the matching canned responses (`role="listbox"`): arrows
 * choose, Enter or Tab puts the response's text in the draft, Escape closes the list.
 */
export class ParleyReplyComposer extends LitElement {
  static override properties = {
    disabled: { type: Boolean, reflect: true },
    canned: { attribute: false },
    draft: { state: true },
    active: { state: true },
    dismissed: { state: true },
  }

  static override styles = [
    base,
    css`
      :host {
        display: block;
        border-top: 1px solid var(--parley-border);
        background: var(--parley-surface);
      }
      form {
        display: flex;
        gap: 0.6rem;
        align-items: flex-end;
        padding: 0.75rem 1rem;
      }
      textarea {
        flex: 1;
        resize: none;
        font: inherit;
        line-height: 1.4;
        min-height: 2.6rem;
        max-height: 10rem;
        padding: 0.55rem 0.75rem;
        border: 1px solid var(--parley-border);
        border-radius: var(--parley-radius);
        background: var(--parley-surface);
        color: var(--parley-text);
      }
      textarea:focus-visible {
        border-color: var(--parley-accent);
      }
      button {
        padding: 0.55rem 1.2rem;
      }
      [role='listbox'] {
        list-style: none;
        margin: 0;
        padding: 0.35rem;
        max-height: 14rem;
        overflow-y: auto;
        border-bottom: 1px solid var(--parley-border);
        background: var(--parley-surface);
      }
      [role='option'] {
        display: grid;
        grid-template-columns: auto 1fr;
        gap: 0.75rem;
        padding: 0.4rem 0.6rem;
        border-radius: var(--parley-radius);
        cursor: pointer;
      }
      [role='option'][aria-selected='true'] {
        background: var(--parley-accent-soft);
      }
      .shortcut {
        font-weight: 600;
        font-family: ui-monospace, SFMono-Regular, Menlo, monospace;
        font-size: 0.85rem;
      }
      .preview {
        color: var(--parley-text-muted);
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        font-size: 0.9rem;
      }
    `,
  ]

  declare disabled: boolean
  /** What `/shortcut` can call up. */
  declare canned: readonly CannedResponse[]
  declare draft: string
  /** The highlighted suggestion. */
  declare active: number
  /** The draft for which Escape closed the list. */
  declare dismissed: string | undefined

  #typing = false

  constructor() {
    super()
    this.disabled = false
    this.canned = []
    this.draft = ''
    this.active = 0
  }

  /** The canned responses the draft calls up, or none. */
  #suggestions(): CannedResponse[] {
    if (this.disabled || this.draft === this.dismissed) return []
    const query = SHORTCUT.exec(this.draft)
    return query ? matchCanned(this.canned, query[1]!) : []
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.#setTyping(false)
  }

  /** Moves keyboard focus to the textbox. */
  override focus(): void {
    this.renderRoot.querySelector('textarea')?.focus()
  }

  override render() {
    const suggestions = this.#suggestions()
    const active = Math.min(this.active, suggestions.length - 1)
    return html`${
      suggestions.length > 0
        ? html`<ul role="listbox" id="canned" aria-label="Canned responses">
            ${suggestions.map(
              (response, index) => html`<li
                role="option"
                id="canned-${index}"
                aria-selected=${index === active ? 'true' : 'false'}
                @mousedown=${(event: Event) => event.preventDefault()}
                @click=${() => this.#use(response)}
              >
                <span class="shortcut">/${response.shortcut}</span>
                <span class="preview">${response.text}</span>
              </li>`,
            )}
          </ul>`
        : nothing
    }<form @submit=${this.#onSubmit}>
      <label class="visually-hidden" for="reply">Reply</label>
      <textarea
        id="reply"
        aria-autocomplete="list"
        aria-controls=${suggestions.length > 0 ? 'canned' : nothing}
        aria-activedescendant=${suggestions.length > 0 ? `canned-${active}` : nothing}
        rows="2"
        placeholder=${this.disabled ? 'This conversation is closed' : 'Write a reply… (Enter to send, Shift+Enter for a new line)'}
        .value=${this.draft}
        ?disabled=${this.disabled}
        @input=${this.#onInput}
        @keydown=${this.#onKeydown}
        @blur=${() => this.#setTyping(false)}
      ></textarea>
      <button class="primary" type="submit" ?disabled=${this.disabled}>Send</button>
    </form>`
  }

  #onInput(event: Event): void {
    this.draft = (event.target as HTMLTextAreaElement).value
    this.active = 0
    this.#setTyping(this.draft.trim() !== '')
  }

  /** Puts a canned response's text in the draft, ready to edit or send. */
  #use(response: CannedResponse): void {
    const textarea = this.renderRoot.querySelector('textarea')
    this.draft = response.text
    if (textarea) {
      textarea.value = response.text
      textarea.focus()
    }
    this.#setTyping(true)
  }

  #onKeydown(event: KeyboardEvent): void {
    const suggestions = this.#suggestions()
    if (suggestions.length > 0 && !event.isComposing) {
      const active = Math.min(this.active, suggestions.length - 1)
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault()
        const step = event.key === 'ArrowDown' ? 1 : -1
        this.active = (active + step + suggestions.length) % suggestions.length
        return
      }
      if ((event.key === 'Enter' && !event.shiftKey) || event.key === 'Tab') {
        event.preventDefault()
        this.#use(suggestions[active]!)
        return
      }
      if (event.key === 'Escape') {
        event.preventDefault()
        this.dismissed = this.draft
        return
      }
    }
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return
    event.preventDefault()
    this.#submit()
  }

  #onSubmit(event: Event): void {
    event.preventDefault()
    this.#submit()
  }

  #submit(): void {
    // Read the textbox itself: an input event may not have reached us yet.
    const textarea = this.renderRoot.querySelector('textarea')
    const text = (textarea?.value ?? this.draft).trim()
    if (this.disabled || text === '') return
    this.draft = ''
    if (textarea) textarea.value = ''
    this.#setTyping(false)
    this.dispatchEvent(new CustomEvent<ReplySendDetail>('reply-send', { detail: { text } }))
  }

  #setTyping(typing: boolean): void {
    if (typing === this.#typing) return
    this.#typing = typing
    this.dispatchEvent(new CustomEvent<ReplyTypingDetail>('reply-typing', { detail: { typing } }))
  }
}
