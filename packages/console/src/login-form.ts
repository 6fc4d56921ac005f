import type { OperatorProfile } from '@parley/protocol'
import { css, html, LitElement, nothing } from 'lit'
import type { AuthApi } from './auth-api.ts'
import { ConsoleError } from './errors.ts'
import { base } from './theme.ts'

/** The card both the login and the set-password forms are drawn on. */
export const formStyles = css`
      :host {
        display: grid;
        place-items: center;
        min-height: 100%;
        padding: 2rem 1rem;
        background: var(--parley-bg);
      }
      form {
        display: grid;
        gap: 0.9rem;
        width: min(100%, 22rem);
        padding: 2rem;
        background: var(--parley-surface);
        border: 1px solid var(--parley-border);
        border-radius: calc(var(--parley-radius) * 1.5);
        box-shadow: 0 8px 24px rgb(0 0 0 / 0.06);
      }
      h1 {
        margin: 0 0 0.25rem;
        font-size: 1.35rem;
      }
      .lede {
        margin: 0 0 0.5rem;
        color: var(--parley-text-muted);
        font-size: 0.9rem;
      }
      .field {
        display: grid;
        gap: 0.3rem;
      }
      label {
        font-size: 0.9rem;
        font-weight: 600;
      }
      input {
        font: inherit;
        padding: 0.55rem 0.7rem;
        border: 1px solid var(--parley-border);
        border-radius: var(--parley-radius);
        background: var(--parley-surface);
        color: var(--parley-text);
      }
      input:focus-visible {
        border-color: var(--parley-accent);
      }
      button {
        margin-top: 0.25rem;
        padding: 0.6rem;
      }
`

/** Detail of the `operator-login` event. */
export interface OperatorLoginDetail {
  operator: OperatorProfile
}

/**
 * `<parley-login>`: the email and password form. Fires `operator-login`
 * (`CustomEvent<OperatorLoginDetail>`) once the relay accepts the credentials;
 * a refusal is shown in a `role="alert"` paragraph with the relay's message.
 */
export class ParleyLogin extends LitElement {
  static override properties = {
    api: { attribute: false },
    notice: {},
    busy: { state: true },
    error: { state: true },
  }

  static override styles = [base, formStyles]

  declare api: AuthApi | undefined
  /** A line above the form, e.g. after a password was set. */
  declare notice: string
  declare busy: boolean
  declare error: string

  constructor() {
    super()
    this.busy = false
    this.error = ''
    this.notice = ''
  }
  override render() {
    return html`
      <form aria-labelledby="title" @submit=${this.#onSubmit} novalidate>
        <h1 id="title">Parley console</h1>
        <p class="lede">Sign in to answer your visitors.</p>
        ${this.notice ? html`<p role="status">${this.notice}</p>` : nothing}
        <div class="field">
          <label for="email">Email</label>
          <input id="email" name="email" type="email" autocomplete="username" required />
        </div>
        <div class="field">
          <label for="password">Password</label>
          <input
            id="password"
            name="password"
            type="password"
            autocomplete="current-password"
            required
          />
        </div>
        ${this.error ? html`<p role="alert">${this.error}</p>` : nothing}
        <button class="primary" type="submit" ?disabled=${this.busy}>Log in</button>
      </form>
    `
  }

  #input(id: string): HTMLInputElement | null {
    return this.renderRoot.querySelector<HTMLInputElement>(`#${id}`)
  }

  async #onSubmit(event: Event): Promise<void> {
    event.preventDefault()
    if (this.busy || !this.api) return
    const email = this.#input('email')?.value.trim() ?? ''
    const password = this.#input('password')?.value ?? ''
    if (!email || !password) {
      this.error = 'Enter your email and password.'
      return
    }
    this.busy = true
    this.error = ''
    try {
      const operator = await this.api.login(email, password)
      this.dispatchEvent(
        new CustomEvent<OperatorLoginDetail>('operator-login', { detail: { operator } }),
      )
    } catch (error) {
      this.error = error instanceof ConsoleError ? error.message : 'Could not log in. Try again.'
      const password = this.#input('password')
      if (password) {
        password.value = ''
        password.focus()
      }
    } finally {
      this.busy = false
    }
  }
}
