import type { ConnectionStatus, OperatorClient } from '@parley/client'
import type { OperatorProfile, OperatorStatus } from '@parley/protocol'
import { css, html, LitElement, nothing } from 'lit'
import { AtomController } from './atom-controller.ts'
import { statusLabel } from './labels.ts'
import type { Notifier } from './notifier.ts'
import { base } from './theme.ts'

/**
 * `<parley-status-bar>`: the main navigation (Conversations, and Settings when the role has
 * any), connection state (`role="status"`), the operator's name,
 * a "Reconnect" button once the relay closed the socket for good, and a "Log out"
 * button, which fires `operator-logout` (bubbles, composed).
 */
export class ParleyStatusBar extends LitElement {
  static override properties = {
    client: { attribute: false },
    operator: { attribute: false },
    view: { attribute: false },
    settings: { attribute: false },
    analytics: { attribute: false },
    notifier: { attribute: false },
    asked: { state: true },
  }

  static override styles = [
    base,
    css`
      :host {
        display: block;
        background: var(--parley-surface);
        border-bottom: 1px solid var(--parley-border);
      }
      header {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem 1rem;
        padding: 0.55rem 1rem;
      }
      .brand {
        font-weight: 700;
        letter-spacing: 0.01em;
      }
      nav {
        margin-right: auto;
        max-width: 100%;
      }
      nav ul {
        display: flex;
        /* Four areas do not fit a phone's width on one line. */
        flex-wrap: wrap;
        gap: 0.25rem;
        list-style: none;
        margin: 0;
        padding: 0;
      }
      nav a {
        display: block;
        padding: 0.3rem 0.7rem;
        border-radius: var(--parley-radius);
        color: var(--parley-text);
        text-decoration: none;
        font-size: 0.9rem;
      }
      nav a:hover {
        background: var(--parley-surface-muted);
      }
      nav a[aria-current='page'] {
        background: var(--parley-accent-soft);
        font-weight: 600;
      }
      .brand span {
        color: var(--parley-accent);
      }
      .connection {
        display: inline-flex;
        align-items: center;
        gap: 0.4rem;
        font-size: 0.85rem;
        color: var(--parley-text-muted);
      }
      .dot {
        width: 0.6rem;
        height: 0.6rem;
        border-radius: 50%;
        background: var(--parley-text-muted);
      }
      .connected .dot {
        background: var(--parley-success);
      }
      .connecting .dot,
      .reconnecting .dot {
        background: var(--parley-warning);
      }
      .closed .dot {
        background: var(--parley-danger);
      }
      .who {
        font-size: 0.9rem;
        font-weight: 600;
      }
      .role {
        font-weight: 400;
        color: var(--parley-text-muted);
      }
      button {
        padding: 0.3rem 0.8rem;
        font-size: 0.85rem;
      }
      .presence {
        display: inline-flex;
        align-items: center;
        gap: 0.4rem;
        font-size: 0.85rem;
      }
      .presence select {
        font: inherit;
        padding: 0.2rem 0.4rem;
        border: 1px solid var(--parley-border);
        border-radius: var(--parley-radius);
        background: var(--parley-surface);
        color: var(--parley-text);
      }
      .presence .note {
        color: var(--parley-text-muted);
      }
      .presence.online .dot {
        background: var(--parley-success);
      }
      .presence.pause .dot,
      .presence.away .dot {
        background: var(--parley-warning);
      }
    `,
  ]

  declare client: OperatorClient | undefined
  declare operator: OperatorProfile | undefined
  /** Which half of the console is open. */
  declare view: 'inbox' | 'history' | 'settings' | 'analytics'
  /** Whether the role has settings to open. */
  declare settings: boolean
  /** Whether the role sees the analytics. */
  declare analytics: boolean
  /** Desktop notifications: offers to turn them on until asked. */
  declare notifier: Notifier | undefined
  /** Bumped when the permission was asked, to show the answer. */
  declare asked: number

  constructor() {
    super()
    this.view = 'inbox'
    this.settings = false
    this.analytics = false
    this.asked = 0
  }

  readonly #status = new AtomController<ConnectionStatus>(this)
  readonly #profile = new AtomController<OperatorProfile | undefined>(this)
  readonly #presence = new AtomController<OperatorStatus | undefined>(this)

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('client')) {
      this.#status.setAtom(this.client?.$status)
      this.#profile.setAtom(this.client?.$profile)
      this.#presence.setAtom(this.client?.$presence)
    }
  }

  override render() {
    const status = this.#status.value ?? 'idle'
    const profile = this.#profile.value ?? this.operator
    return html`
      <header>
        <div class="brand">Parley <span>console</span></div>
        <nav aria-label="Main">
          <ul>
            <li>
              <a href="#" aria-current=${this.view === 'inbox' ? 'page' : 'false'}>Conversations</a>
            </li>
            <li>
              <a href="#history" aria-current=${this.view === 'history' ? 'page' : 'false'}>History</a>
            </li>
            ${
              this.analytics
                ? html`<li>
                    <a href="#analytics" aria-current=${this.view === 'analytics' ? 'page' : 'false'}
                      >Analytics</a
                    >
                  </li>`
                : nothing
            }
            ${
              this.settings
                ? html`<li>
                    <a href="#settings" aria-current=${this.view === 'settings' ? 'page' : 'false'}
                      >Settings</a
                    >
                  </li>`
                : nothing
            }
          </ul>
        </nav>
        <span class="connection ${status}" role="status">
          <span class="dot" aria-hidden="true"></span>${statusLabel(status)}
        </span>
        ${this.#renderPresence()}
        ${
          profile
            ? html`<span class="who"
                >${profile.name} <span class="role">(${profile.role})</span></span
              >`
            : nothing
        }
        ${
          status === 'closed'
            ? html`<button type="button" @click=${() => this.client?.connect()}>Reconnect</button>`
            : nothing
        }
        ${
          this.notifier?.permission === 'default'
            ? html`<button type="button" @click=${this.#enableNotifications}>
                Turn on notifications
              </button>`
            : nothing
        }
        <button
          type="button"
          aria-label="Keyboard shortcuts"
          title="Keyboard shortcuts (?)"
          @click=${() =>
            this.dispatchEvent(
              new CustomEvent('show-shortcuts', { bubbles: true, composed: true }),
            )}
        >
          ?
        </button>
        <button type="button" @click=${this.#logout}>Log out</button>
      </header>
    `
  }

  /** The operator's own status: a switch between online and pause; away and offline shown. */
  #renderPresence() {
    const presence = this.#presence.value
    if (!presence) return nothing
    const chosen = presence === 'pause' ? 'pause' : 'online'
    const note =
      presence === 'away'
        ? 'Away: idle, no new chats until you act'
        : presence === 'pause'
          ? 'No new chats'
          : presence === 'offline'
            ? 'Offline'
            : ''
    return html`<span class="presence ${presence}"
      ><span class="dot" aria-hidden="true"></span>
      <select
        aria-label="Your status"
        .value=${chosen}
        @change=${(event: Event) =>
          this.client?.setPresence((event.target as HTMLSelectElement).value as 'online' | 'pause')}
      >
        <option value="online" ?selected=${chosen === 'online'}>Online</option>
        <option value="pause" ?selected=${chosen === 'pause'}>On pause</option>
      </select>
      ${note ? html`<span class="note">${note}</span>` : nothing}</span
    >`
  }

  async #enableNotifications(): Promise<void> {
    await this.notifier?.enable()
    this.asked++
  }

  #logout(): void {
    this.dispatchEvent(new CustomEvent('operator-logout', { bubbles: true, composed: true }))
  }
}
