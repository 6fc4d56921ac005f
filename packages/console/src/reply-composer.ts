import { css, html, LitElement } from 'lit'
import { base } from './theme.ts'

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
 * itself, and `reply-typing` whenever "the draft is non-empty" flips.
 */
export class ParleyReplyComposer extends LitElement {
  static override properties = {
    disabled: { type: Boolean, reflect: true },
    draft: { state: true },
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
    `,
  ]

  declare disabled: boolean
  declare draft: string

  #typing = false

  constructor() {
    super()
    this.disabled = false
    this.draft = ''
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
    return html`<form @submit=${this.#onSubmit}>
      <label class="visually-hidden" for="reply">Reply</label>
      <textarea
        id="reply"
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
    this.#setTyping(this.draft.trim() !== '')
  }

  #onKeydown(event: KeyboardEvent): void {
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
