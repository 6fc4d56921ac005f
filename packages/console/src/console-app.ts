import type { ConnectionStatus, OperatorClient } from '@parley/client'
import type { OperatorProfile } from '@parley/protocol'
import { css, html, LitElement } from 'lit'
import { type AuthApi, createAuthApi } from './auth-api.ts'
import { type ConsoleEnvironment, getConsoleEnvironment } from './environment.ts'
import type { OperatorLoginDetail } from './login-form.ts'
import { createRestApi, type RestApi } from './rest-api.ts'
import { base, tokens } from './theme.ts'

/**
 * Where the console is: checking the session, logged out, logged in, unable to tell, or
 * opened from a one-time link to set a password.
 */
export type ConsolePhase =
  | 'checking'
  | 'anonymous'
  | 'authenticated'
  | 'unavailable'
  | 'set-password'

/** The fragment a set-password link ends with: `#set-password=<token>`. */
const SET_PASSWORD = /^#set-password=([A-Za-z0-9_-]+)$/

/**
 * `<parley-console>`: the root. Asks the relay who is logged in (`GET /v1/auth/me`),
 * shows `<parley-login>` on 401, and otherwise creates the operator client from the
 * environment (`setConsoleEnvironment`), connects it and shows the workspace. The
 * client is destroyed on log out and when the element leaves the document.
 */
export class ParleyConsole extends LitElement {
  static override properties = {
    phase: { state: true },
    operator: { state: true },
    problem: { state: true },
    notice: { state: true },
  }

  static override styles = [
    tokens,
    base,
    css`
      :host {
        display: block;
        height: 100%;
        min-height: 100vh;
        background: var(--parley-bg);
        color: var(--parley-text);
        font-size: 15px;
      }
      parley-workspace {
        height: 100vh;
      }
      .splash {
        display: grid;
        place-items: center;
        align-content: center;
        gap: 1rem;
        min-height: 100vh;
        margin: 0;
        color: var(--parley-text-muted);
      }
    `,
  ]

  declare phase: ConsolePhase
  declare operator: OperatorProfile | undefined
  declare problem: string
  /** Shown above the login form (a password was just set). */
  declare notice: string
  #passwordToken = ''

  #environment: ConsoleEnvironment | undefined
  #api: AuthApi | undefined
  #rest: RestApi | undefined
  #client: OperatorClient | undefined
  #offStatus: (() => void) | undefined
  /** Bumped on every phase change started here, so a late answer cannot undo a newer one. */
  #generation = 0

  constructor() {
    super()
    this.phase = 'checking'
    this.problem = ''
    this.notice = ''
  }

  /** The realtime client while logged in. */
  get client(): OperatorClient | undefined {
    return this.#client
  }

  override connectedCallback(): void {
    super.connectedCallback()
    this.#environment = getConsoleEnvironment()
    this.#api = createAuthApi({ fetch: this.#environment.fetch })
    this.#rest = createRestApi({ fetch: this.#environment.fetch })
    const link = SET_PASSWORD.exec(location.hash)
    if (link) {
      this.#passwordToken = link[1]!
      this.phase = 'set-password'
      return
    }
    void this.#check()
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.#generation++
    this.#stopClient()
    this.phase = 'checking'
  }

  override render() {
    switch (this.phase) {
      case 'checking':
        return html`<p class="splash" role="status">Loading…</p>`
      case 'anonymous':
        return html`<parley-login
          .api=${this.#api}
          .notice=${this.notice}
          @operator-login=${this.#onLogin}
        ></parley-login>`
      case 'set-password':
        return html`<parley-set-password
          .api=${this.#api}
          .token=${this.#passwordToken}
          @password-set=${this.#onPasswordSet}
        ></parley-set-password>`
      case 'unavailable':
        return html`<div class="splash">
          <p role="alert">${this.problem}</p>
          <button type="button" @click=${() => this.#check()}>Try again</button>
        </div>`
      case 'authenticated':
        return html`<parley-workspace
          .client=${this.#client}
          .operator=${this.operator}
          .api=${this.#rest}
          @operator-logout=${this.#onLogout}
        ></parley-workspace>`
    }
  }

  async #check(): Promise<void> {
    const api = this.#api
    if (!api) return
    const generation = ++this.#generation
    this.phase = 'checking'
    try {
      const operator = await api.me()
      if (generation !== this.#generation) return
      if (operator) this.#start(operator)
      else this.#toLogin()
    } catch (error) {
      if (generation !== this.#generation) return
      this.#stopClient()
      this.problem = error instanceof Error ? error.message : 'The relay did not answer.'
      this.phase = 'unavailable'
    }
  }

  /** After the socket closed for good: back to the login form if the session is gone. */
  async #verifySession(): Promise<void> {
    const generation = this.#generation
    const operator = await this.#api?.me().catch(() => null)
    // `null`: the relay did not answer; keep the workspace, whose status bar says so.
    if (generation === this.#generation && operator === undefined) this.#toLogin()
  }

  /** The link is used up: leave its token out of the address and ask to log in. */
  #onPasswordSet(): void {
    history.replaceState(null, '', location.pathname + location.search)
    this.#passwordToken = ''
    this.notice = 'Your password is set. Log in with it.'
    this.#toLogin()
  }

  #onLogin(event: CustomEvent<OperatorLoginDetail>): void {
    this.#generation++
    this.#start(event.detail.operator)
  }

  async #onLogout(): Promise<void> {
    this.#generation++
    this.#toLogin()
    await this.#api?.logout()
  }

  #toLogin(): void {
    this.#stopClient()
    this.operator = undefined
    this.phase = 'anonymous'
  }

  #start(operator: OperatorProfile): void {
    const environment = this.#environment
    if (!environment) return
    this.#stopClient()
    const client = environment.createClient({ host: environment.host })
    this.#client = client
    this.#offStatus = client.$status.listen((status: ConnectionStatus) => {
      // The relay closes the socket for good when the session ends: ask who we are.
      if (status === 'closed' && this.#client === client) void this.#verifySession()
    })
    client.connect()
    this.operator = operator
    this.phase = 'authenticated'
  }

  #stopClient(): void {
    this.#offStatus?.()
    this.#offStatus = undefined
    this.#client?.destroy()
    this.#client = undefined
  }
}
