import type { ChannelKind, VisitorCardReply } from '@parley/protocol'
import { css, html, LitElement, nothing } from 'lit'
import type { ConversationSelectDetail } from './conversation-list.ts'
import { channelLabel, formatTime, kindLabel } from './labels.ts'
import { formatPhone } from './phone-format.ts'
import type { RestApi } from './rest-api.ts'
import { base } from './theme.ts'

type CardState =
  | { name: 'idle' }
  | { name: 'loading' }
  | { name: 'loaded'; card: VisitorCardReply }
  | { name: 'failed'; message: string }

let regionNames: Intl.DisplayNames | undefined

/** "Russia, MOW" from `{country: 'RU', region: 'MOW'}`, in the browser's language. */
export function regionLabel(region: NonNullable<VisitorCardReply['region']>): string {
  let country = region.country
  try {
    regionNames ??= new Intl.DisplayNames(undefined, { type: 'region' })
    country = regionNames.of(region.country) ?? region.country
  } catch {
    // An unknown code stays a code.
  }
  return region.region ? `${country}, ${region.region}` : country
}

/** The path and query of a page address (the host is the site's own), else the address. */
function shortUrl(url: string): string {
  try {
    const parsed = new URL(url)
    return `${parsed.pathname}${parsed.search}` || url
  } catch {
    return url
  }
}

const FORMS: Record<VisitorCardReply['consents'][number]['form'], string> = {
  callback: 'callback form',
  offline: 'offline form',
  prechat: 'pre-chat form',
}

/**
 * `<parley-visitor-card>`: who the visitor of a conversation is — name, contacts (phones
 * formatted for reading), whether `identify` was verified, the channel, the current page and
 * pages visited, region, UTM source, the scenario that engaged them, their attributes, the
 * consents they gave and their earlier conversations (each opens with `conversation-select`).
 * Loads `GET /v1/conversations/:id/visitor` when `conversationId` or `revision` changes (the
 * conversation view bumps `revision` when the visitor's contact changes).
 */
export class ParleyVisitorCard extends LitElement {
  static override properties = {
    api: { attribute: false },
    conversationId: { attribute: false },
    revision: { attribute: false },
    state: { state: true },
  }

  static override styles = [
    base,
    css`
      :host {
        display: block;
        padding: 0.9rem 1rem 1.25rem;
        font-size: 0.85rem;
        overflow-y: auto;
        background: var(--parley-surface);
      }
      h3 {
        margin: 0 0 0.5rem;
        font-size: 1rem;
      }
      h4 {
        margin: 1rem 0 0.35rem;
        font-size: 0.75rem;
        text-transform: uppercase;
        letter-spacing: 0.04em;
        color: var(--parley-text-muted);
      }
      .name {
        margin: 0;
        font-size: 1rem;
        font-weight: 600;
        overflow-wrap: anywhere;
      }
      .badge {
        display: inline-block;
        margin-left: 0.35rem;
        padding: 0 0.45rem;
        border-radius: 999px;
        border: 1px solid currentColor;
        font-size: 0.72rem;
        font-weight: 600;
        vertical-align: 0.1em;
      }
      .verified {
        color: var(--parley-success);
      }
      .unverified {
        color: var(--parley-text-muted);
      }
      dl {
        display: grid;
        grid-template-columns: minmax(5.5rem, auto) minmax(0, 1fr);
        gap: 0.3rem 0.75rem;
        margin: 0.5rem 0 0;
      }
      dt {
        color: var(--parley-text-muted);
      }
      dd {
        margin: 0;
        overflow-wrap: anywhere;
      }
      a {
        color: var(--parley-accent);
      }
      ul {
        margin: 0;
        padding: 0;
        list-style: none;
        display: grid;
        gap: 0.3rem;
      }
      li {
        overflow-wrap: anywhere;
      }
      .muted,
      time {
        color: var(--parley-text-muted);
      }
      li button {
        width: 100%;
        text-align: left;
        font-size: 0.82rem;
        padding: 0.35rem 0.55rem;
      }
      li button span {
        display: block;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        color: var(--parley-text-muted);
      }
    `,
  ]

  declare api: RestApi | undefined
  declare conversationId: string | undefined
  /** Anything that changes when the card should be read again. */
  declare revision: string | undefined
  declare state: CardState

  #loadedFor = ''

  constructor() {
    super()
    this.state = { name: 'idle' }
  }

  override willUpdate(): void {
    const key = `${this.conversationId ?? ''}\n${this.revision ?? ''}`
    if (key === this.#loadedFor) return
    this.#loadedFor = key
    void this.#load()
  }

  async #load(): Promise<void> {
    const { api, conversationId } = this
    if (!api || !conversationId) {
      this.state = { name: 'idle' }
      return
    }
    // A reload for a new revision keeps the card on screen until the new one arrives.
    if (this.state.name !== 'loaded') this.state = { name: 'loading' }
    const key = this.#loadedFor
    try {
      const card = await api.get<VisitorCardReply>(
        `/v1/conversations/${encodeURIComponent(conversationId)}/visitor`,
      )
      if (this.#loadedFor === key) this.state = { name: 'loaded', card }
    } catch (error) {
      if (this.#loadedFor !== key) return
      const message = error instanceof Error && error.message ? error.message : 'unknown error'
      this.state = { name: 'failed', message: `Could not load the visitor: ${message}` }
    }
  }

  override render() {
    const { state } = this
    return html`<section aria-labelledby="visitor-card-title">
      <h3 id="visitor-card-title">Visitor</h3>
      ${
        state.name === 'loaded'
          ? this.#renderCard(state.card)
          : state.name === 'failed'
            ? html`<p role="alert">${state.message}</p>`
            : state.name === 'loading'
              ? html`<p class="muted" role="status">Loading…</p>`
              : nothing
      }
    </section>`
  }

  #renderCard(card: VisitorCardReply) {
    const { visitor } = card
    const attributes = Object.entries(visitor.attributes)
    return html`
      <p class="name">
        ${visitor.name ?? 'No name given'}
        ${
          visitor.userId
            ? visitor.verified
              ? html`<span class="badge verified">Verified</span>`
              : html`<span class="badge unverified">Not verified</span>`
            : nothing
        }
      </p>
      <dl>
        ${
          visitor.phone
            ? html`<dt>Phone</dt><dd><a href="tel:${visitor.phone}">${formatPhone(visitor.phone)}</a></dd>`
            : nothing
        }
        ${
          visitor.email
            ? html`<dt>Email</dt><dd><a href="mailto:${visitor.email}">${visitor.email}</a></dd>`
            : nothing
        }
        ${visitor.userId ? html`<dt>User id</dt><dd>${visitor.userId}</dd>` : nothing}
        <dt>Channel</dt><dd>${card.channel === 'web' ? 'Website chat' : (channelLabel(card.channel as ChannelKind) ?? card.channel)}</dd>
        ${
          card.currentPage
            ? html`<dt>Current page</dt>
                <dd>
                  <a href=${card.currentPage.url} target="_blank" rel="noopener noreferrer"
                    >${card.currentPage.title || shortUrl(card.currentPage.url)}</a
                  >
                </dd>`
            : nothing
        }
        ${card.region ? html`<dt>Region</dt><dd>${regionLabel(card.region)}</dd>` : nothing}
        ${card.utmSource ? html`<dt>UTM source</dt><dd>${card.utmSource}</dd>` : nothing}
        ${card.referrer ? html`<dt>Came from</dt><dd>${shortHost(card.referrer)}</dd>` : nothing}
        ${
          card.scenario
            ? html`<dt>Scenario</dt><dd>${card.scenario.name ?? card.scenario.id}</dd>`
            : nothing
        }
      </dl>
      ${
        attributes.length > 0
          ? html`<h4>Attributes</h4>
              <dl aria-label="Attributes">
                ${attributes.map(([key, value]) => html`<dt>${key}</dt><dd>${String(value)}</dd>`)}
              </dl>`
          : nothing
      }
      <h4>Consents</h4>
      ${
        card.consents.length === 0
          ? html`<p class="muted">None given.</p>`
          : html`<ul aria-label="Consents">
              ${card.consents.map(
                (c) => html`<li>
                  Agreement <code>${c.agreementVersion.slice(0, 8)}</code>, ${FORMS[c.form]},
                  <time datetime=${new Date(c.at).toISOString()}>${formatTime(c.at)}</time>
                  ${
                    c.withdrawnAt !== undefined
                      ? html`— <strong>withdrawn ${formatTime(c.withdrawnAt)}</strong>`
                      : nothing
                  }
                </li>`,
              )}
            </ul>`
      }
      ${
        card.pages.length > 0
          ? html`<h4>Pages visited</h4>
              <ul aria-label="Pages visited">
                ${card.pages.map(
                  (p) => html`<li>
                    <time datetime=${new Date(p.at).toISOString()}>${formatTime(p.at)}</time>
                    <a href=${p.url} target="_blank" rel="noopener noreferrer"
                      >${p.title || shortUrl(p.url)}</a
                    >
                  </li>`,
                )}
              </ul>`
          : nothing
      }
      <h4>Earlier conversations</h4>
      ${
        card.conversations.length === 0
          ? html`<p class="muted">None.</p>`
          : html`<ul aria-label="Earlier conversations">
              ${card.conversations.map((c) => {
                const kind = kindLabel(c.kind) ?? 'Chat'
                const when = formatTime(c.createdAt)
                return html`<li>
                  <button
                    type="button"
                    aria-label="Open ${kind.toLowerCase()} of ${when}${c.status === 'closed' ? ', closed' : ''}"
                    @click=${() => this.#open(c.id)}
                  >
                    ${kind}, ${when}${c.status === 'closed' ? ' · closed' : ''}
                    ${c.lastText ? html`<span>${c.lastText}</span>` : nothing}
                  </button>
                </li>`
              })}
            </ul>`
      }
    `
  }

  #open(conversationId: string): void {
    this.dispatchEvent(
      new CustomEvent<ConversationSelectDetail>('conversation-select', {
        detail: { conversationId },
        bubbles: true,
        composed: true,
      }),
    )
  }
}

/** The host of a referrer (`mail.example`), else the address. */
function shortHost(url: string): string {
  try {
    return new URL(url).host || url
  } catch {
    return url
  }
}
