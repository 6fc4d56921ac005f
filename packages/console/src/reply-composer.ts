import { type CannedResponse, PHOTO_TYPES } from '@parley/protocol'
import { css, html, LitElement, nothing } from 'lit'
import { matchCanned } from './canned-cache.ts'
import { fileSize } from './labels.ts'
import { base } from './theme.ts'

/** A draft that calls up canned responses: `/` and the start of a shortcut. */
const SHORTCUT = /^\/([\p{L}\p{N}_-]*)$/u

/** Detail of the `reply-send` event. */
export interface ReplySendDetail {
  text: string
  /** The photo chosen with "Attach file"; `text` is then its caption and may be empty. */
  file?: File
  /**
   * Hands the composer the upload of `file`: the draft and the file stay, the composer busy,
   * until it settles; they are cleared when it resolves and kept to try again when it rejects.
   */
  waitUntil(work: Promise<unknown>): void
}

/** Detail of the `reply-file` event: the photo now attached, or none. */
export interface ReplyFileDetail {
  file: File | undefined
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
 * With `attachable`, an "Attach file" button picks one image (the types the relay sends as
 * photos), shown as a chip with its name, size and a remove button (`reply-file` says when it
 * changes); Send then carries it.
 */
export class ParleyReplyComposer extends LitElement {
  static override properties = {
    disabled: { type: Boolean, reflect: true },
    attachable: { type: Boolean },
    file: { state: true },
    preview: { state: true },
    uploading: { state: true },
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
      button.attach {
        display: inline-flex;
        align-items: center;
        justify-content: center;
        padding: 0.55rem;
        min-width: 2.6rem;
        min-height: 2.6rem;
      }
      button.attach svg {
        width: 1.2rem;
        height: 1.2rem;
      }
      .chip {
        display: flex;
        align-items: center;
        gap: 0.6rem;
        width: fit-content;
        max-width: calc(100% - 2rem);
        margin: 0.75rem 1rem 0;
        padding: 0.3rem 0.3rem 0.3rem 0.4rem;
        border: 1px solid var(--parley-border);
        border-radius: var(--parley-radius);
        background: var(--parley-accent-soft);
      }
      .chip img {
        width: 2.5rem;
        height: 2.5rem;
        object-fit: cover;
        border-radius: calc(var(--parley-radius) / 2);
      }
      .chip .name {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        font-weight: 600;
      }
      .chip .size {
        color: var(--parley-text-muted);
        font-size: 0.85rem;
        white-space: nowrap;
      }
      .chip button {
        padding: 0.2rem 0.55rem;
        line-height: 1;
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
  /** Offers "Attach file": the conversation's channel takes photos. */
  declare attachable: boolean
  /** The photo to send with the next message. */
  declare file: File | undefined
  /** An object URL of `file`, for its thumbnail. */
  declare preview: string | undefined
  /** Whether a message with a photo is being uploaded. */
  declare uploading: boolean
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
    this.attachable = false
    this.uploading = false
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
    this.#setFile(undefined)
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    // A chip left from a chat that takes photos is not sent to one that does not.
    if (changed.has('attachable') && !this.attachable) this.#setFile(undefined)
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
    }${this.file ? this.#renderChip(this.file) : nothing}<form @submit=${this.#onSubmit}>
      ${this.attachable ? this.#renderAttach() : nothing}
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
        ?readonly=${this.uploading}
        @input=${this.#onInput}
        @keydown=${this.#onKeydown}
        @blur=${() => this.#setTyping(false)}
      ></textarea>
      <button class="primary" type="submit" ?disabled=${this.disabled || this.uploading}>
        ${this.uploading ? 'Sending…' : 'Send'}
      </button>
    </form>`
  }

  #renderAttach() {
    return html`<button
        class="attach"
        type="button"
        aria-label="Attach file"
        title="Attach an image: JPEG, PNG, WebP or GIF"
        ?disabled=${this.disabled || this.uploading}
        @click=${() => this.renderRoot.querySelector<HTMLInputElement>('input[type=file]')?.click()}
      >
        <svg viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
          <path d="m21.4 11.6-8.8 8.8a5.5 5.5 0 0 1-7.8-7.8l8.8-8.8a3.7 3.7 0 0 1 5.2 5.2l-8.8 8.8a1.8 1.8 0 0 1-2.6-2.6l8.1-8.1" />
        </svg></button
      ><input
        type="file"
        hidden
        tabindex="-1"
        aria-label="Image to send"
        accept=${PHOTO_TYPES.join(',')}
        @change=${this.#onChoose}
      />`
  }

  #renderChip(file: File) {
    return html`<div class="chip" role="group" aria-label="Attached file">
      ${this.preview ? html`<img src=${this.preview} alt="" />` : nothing}
      <span class="name">${file.name}</span>
      <span class="size">${fileSize(file.size)}</span>
      <button
        type="button"
        aria-label="Remove ${file.name}"
        ?disabled=${this.uploading}
        @click=${() => {
          this.#change(undefined)
          this.focus()
        }}
      >
        ×
      </button>
    </div>`
  }

  #onChoose(event: Event): void {
    const input = event.target as HTMLInputElement
    const file = input.files?.[0]
    // Cleared, so choosing the same file again after removing it is a change too.
    input.value = ''
    if (file) this.#change(file)
    this.focus()
  }

  /** The operator's own choice (pick or remove), announced; a send or a reset is not. */
  #change(file: File | undefined): void {
    this.#setFile(file)
    this.dispatchEvent(new CustomEvent<ReplyFileDetail>('reply-file', { detail: { file } }))
  }

  #setFile(file: File | undefined): void {
    if (this.preview) URL.revokeObjectURL(this.preview)
    this.preview =
      file && typeof URL.createObjectURL === 'function' ? URL.createObjectURL(file) : undefined
    this.file = file
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
    const file = this.file
    if (this.disabled || this.uploading || (text === '' && !file)) return
    let work: Promise<unknown> | undefined
    const detail: ReplySendDetail = {
      text,
      ...(file && { file }),
      waitUntil: (promise) => {
        work = promise
      },
    }
    this.dispatchEvent(new CustomEvent<ReplySendDetail>('reply-send', { detail }))
    if (!work) {
      this.#clear(textarea)
      return
    }
    this.uploading = true
    work.then(
      () => {
        this.uploading = false
        this.#clear(this.renderRoot.querySelector('textarea'))
      },
      () => {
        // Kept as it was, to send again; the conversation says why it failed.
        this.uploading = false
      },
    )
  }

  #clear(textarea: HTMLTextAreaElement | null): void {
    this.draft = ''
    if (textarea) textarea.value = ''
    this.#setFile(undefined)
    this.#setTyping(false)
  }

  #setTyping(typing: boolean): void {
    if (typing === this.#typing) return
    this.#typing = typing
    this.dispatchEvent(new CustomEvent<ReplyTypingDetail>('reply-typing', { detail: { typing } }))
  }
}
