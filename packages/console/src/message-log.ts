import type { ChatMessage } from '@parley/client'
import type { AttachmentFacts, ChannelDelivery, ConversationKind } from '@parley/protocol'
import { css, html, LitElement, nothing } from 'lit'
import { repeat } from 'lit/directives/repeat.js'
import { authorLabel, deliveryLabel, fileSize, formatTime } from './labels.ts'
import { systemText } from './system-text.ts'
import { base } from './theme.ts'

/** How close to the bottom (px) counts as "reading the latest", so new messages scroll in. */
const STICK_THRESHOLD = 48

/** The fields of a form event, or `undefined` for anything else. */
function formData(message: ChatMessage): Record<string, string> | undefined {
  if (message.kind !== 'form' || !message.data) return undefined
  return Object.keys(message.data).length > 0 ? message.data : undefined
}

/** The file a message carries and the relay stored (`data.attachmentId`), or `undefined`. */
function attachmentOf(
  message: ChatMessage,
): (AttachmentFacts & { attachmentId: string }) | undefined {
  const data = message.data as Partial<AttachmentFacts> | undefined
  return (message.kind ?? 'message') === 'message' && data?.attachmentId && data.attachmentName
    ? (data as AttachmentFacts & { attachmentId: string })
    : undefined
}

/** A size in bytes for a person: `812 B`, `34 KB`, `2.5 MB`. */
function sizeText(bytes: string | undefined): string {
  const n = Number(bytes)
  return bytes && Number.isFinite(n) ? fileSize(n) : ''
}

/**
 * A stored file under its message: an image as a thumbnail (its alt text the file name) that
 * opens full size, anything else as a download link. The relay serves both inert.
 */
function renderAttachment(file: AttachmentFacts & { attachmentId: string }) {
  const url = `/v1/attachments/${encodeURIComponent(file.attachmentId)}`
  if (file.attachmentType.startsWith('image/')) {
    return html`<a class="file" href=${url} target="_blank" rel="noopener"
      ><img class="thumb" src=${url} alt=${file.attachmentName} loading="lazy"
    /></a>`
  }
  const size = sizeText(file.attachmentSize)
  return html`<p class="file">
    <a href=${url} download=${file.attachmentName}>${file.attachmentName}</a>
    ${size ? html`<span class="size">${size}</span>` : nothing}
  </p>`
}

/**
 * `<parley-message-log>`: a conversation's messages in a `role="log"` region, as
 * plain text (never HTML). Keeps the newest message in view while the operator is
 * at the bottom; leaves the scroll alone while they read older messages. A form
 * event (callback request, offline message) shows as a `<parley-form-card>`, a system
 * event (closed, rated, invitation, ...) as a sentence worded from its facts. A file a
 * messenger visitor sent shows under its message: an image as a thumbnail, a document as a
 * download link.
 */
export class ParleyMessageLog extends LitElement {
  static override properties = {
    messages: { attribute: false },
    visitorTitle: { attribute: false },
    loading: { attribute: false },
    kind: { attribute: false },
    focusSeq: { attribute: false },
    deliveries: { attribute: false },
  }

  static override styles = [
    base,
    css`
      :host {
        display: block;
        min-height: 0;
        overflow-y: auto;
        background: var(--parley-bg);
      }
      [role='log'] {
        display: flex;
        flex-direction: column;
        gap: 0.6rem;
        padding: 1rem 1.25rem;
      }
      .message {
        max-width: min(36rem, 80%);
        align-self: flex-start;
      }
      .message.operator {
        align-self: flex-end;
      }
      .message.form {
        width: min(36rem, 90%);
        max-width: none;
      }
      .message.system {
        align-self: center;
        max-width: 90%;
        text-align: center;
      }
      .meta {
        display: flex;
        gap: 0.5rem;
        font-size: 0.75rem;
        color: var(--parley-text-muted);
        margin: 0 0.25rem 0.2rem;
      }
      .operator .meta {
        justify-content: flex-end;
      }
      .author {
        font-weight: 600;
      }
      .text {
        margin: 0;
        padding: 0.5rem 0.75rem;
        border-radius: calc(var(--parley-radius) * 1.5);
        background: var(--parley-bubble-visitor);
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        line-height: 1.4;
      }
      .operator .text {
        background: var(--parley-bubble-operator);
      }
      .system .text {
        background: transparent;
        font-size: 0.85rem;
        font-style: italic;
        color: var(--parley-text-muted);
      }
      .pending .text {
        opacity: 0.65;
      }
      .failed .text {
        outline: 1px solid var(--parley-danger);
      }
      .failed .state {
        color: var(--parley-danger);
      }
      /* A message a history search opened: brought into view and marked for a moment. */
      .found .text {
        animation: found 2.4s ease-out;
      }
      @keyframes found {
        0%,
        40% {
          box-shadow: 0 0 0 3px var(--parley-accent);
        }
        100% {
          box-shadow: 0 0 0 3px transparent;
        }
      }
      @media (prefers-reduced-motion: reduce) {
        .found .text {
          animation: none;
          box-shadow: 0 0 0 2px var(--parley-accent);
        }
      }
      .file {
        display: block;
        margin: 0.3rem 0 0;
        font-size: 0.85rem;
        overflow-wrap: anywhere;
      }
      .thumb {
        display: block;
        max-width: min(16rem, 100%);
        max-height: 12rem;
        border-radius: var(--parley-radius);
        object-fit: contain;
      }
      .size {
        color: var(--parley-text-muted);
        margin-left: 0.4rem;
      }
      .empty {
        margin: auto;
        color: var(--parley-text-muted);
        font-size: 0.9rem;
      }
    `,
  ]

  declare messages: readonly ChatMessage[]
  /** How the visitor is named when a message carries no author name. */
  declare visitorTitle: string
  declare loading: boolean
  /** The conversation's kind, for the heading of form blocks. */
  declare kind: ConversationKind | undefined
  /** The message (by `seq`) to bring into view once it is shown, marked as found. */
  declare focusSeq: number | undefined
  /** Where operator messages to a messenger or e-mail stand, by event id. */
  declare deliveries: ReadonlyMap<string, ChannelDelivery>

  #stick = true
  /** The key of the message last brought into view for `focusSeq`: done once each. */
  #focused: string | undefined

  constructor() {
    super()
    this.messages = []
    this.visitorTitle = 'Visitor'
    this.loading = false
    this.deliveries = new Map()
  }

  override willUpdate(): void {
    this.#stick = this.scrollHeight - this.scrollTop - this.clientHeight <= STICK_THRESHOLD
  }

  override updated(): void {
    const found = this.#found()
    if (found && found.key !== this.#focused) {
      this.#focused = found.key
      this.renderRoot
        .querySelector(`[data-key="${CSS.escape(found.key)}"]`)
        ?.scrollIntoView({ block: 'center' })
      return
    }
    if (this.#stick) this.scrollTop = this.scrollHeight
  }

  #found(): ChatMessage | undefined {
    const seq = this.focusSeq
    return seq === undefined ? undefined : this.messages.find((m) => m.seq === seq)
  }

  override render() {
    return html`<div role="log" aria-label="Messages" aria-live="polite">
      ${
        this.messages.length === 0
          ? html`<p class="empty">${this.loading ? 'Loading history…' : 'No messages yet.'}</p>`
          : repeat(
              this.messages,
              (message) => message.key,
              (message) => this.#renderMessage(message),
            )
      }
    </div>`
  }

  #renderMessage(message: ChatMessage) {
    const delivery = message.id !== undefined ? this.deliveries.get(message.id) : undefined
    const state =
      message.status === 'pending'
        ? 'Sending…'
        : message.status === 'failed'
          ? 'Not sent'
          : delivery
            ? deliveryLabel(delivery)
            : ''
    const form = formData(message)
    const file = attachmentOf(message)
    const found = this.focusSeq !== undefined && message.seq === this.focusSeq
    const undelivered = delivery?.state === 'failed' ? 'failed' : ''
    return html`<article
      class="message ${message.author.kind} ${message.status} ${undelivered} ${form ? 'form' : ''} ${found ? 'found' : ''}"
      data-key=${message.key}
      aria-current=${found ? 'true' : nothing}
    >
      <div class="meta">
        <span class="author">${authorLabel(message.author, this.visitorTitle)}</span>
        <time datetime=${new Date(message.at).toISOString()}>${formatTime(message.at)}</time>
        ${state ? html`<span class="state">${state}</span>` : nothing}
      </div>
      ${
        form
          ? html`<parley-form-card .data=${form} .kind=${this.kind}></parley-form-card>`
          : html`<p class="text">${message.kind === 'system' ? systemText(message) : message.text}</p>`
      }
      ${file ? renderAttachment(file) : nothing}
    </article>`
  }
}
