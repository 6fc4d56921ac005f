import type { ConnectionStatus, OperatorClient } from '@parley/client'
import type { OperatorProfile } from '@parley/protocol'
import { css, html, LitElement, nothing } from 'lit'
import { AtomController } from './atom-controller.ts'
import { statusLabel } from './labels.ts'
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
      }
      nav ul {
        display: flex;
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
    `,
  ]

  declare client: OperatorClient | undefined
  declare operator: OperatorProfile | undefined
  /** Which half of the console is open. */
  declare view: 'inbox' | 'settings'
  /** Whether the role has settings to open. */
  declare settings: boolean

  constructor() {
    super()
    this.view = 'inbox'
    this.settings = false
  }

  readonly #status = new AtomController<ConnectionStatus>(this)
  readonly #profile = new AtomController<OperatorProfile | undefined>(this)

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('client')) {
      this.#status.setAtom(this.client?.$status)
      this.#profile.setAtom(this.client?.$profile)
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
        <button type="button" @click=${this.#logout}>Log out</button>
      </header>
    `
  }

  #logout(): void {
    this.dispatchEvent(new CustomEvent('operator-logout', { bubbles: true, composed: true }))
  }
}
