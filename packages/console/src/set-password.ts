import { html, LitElement, nothing } from 'lit'
import type { AuthApi } from './auth-api.ts'
import { ConsoleError } from './errors.ts'
import { formStyles } from './login-form.ts'
import { base } from './theme.ts'

/** The relay's shortest password (`SetPasswordBody`). */
const MIN_LENGTH = 8

/**
 * `<parley-set-password>`: what a one-time link (`/console/#set-password=<token>`) opens —
 * choose a password, twice. Fires `password-set` once the relay took it; a refusal (a used
 * or expired link) is shown in a `role="alert"` paragraph with the relay's message.
 */
export class ParleySetPassword extends LitElement {
  static override properties = {
    api: { attribute: false },
    token: {},
    busy: { state: true },
    error: { state: true },
  }

  static override styles = [base, formStyles]

  declare api: AuthApi | undefined
  declare token: string
  declare busy: boolean
  declare error: string

  constructor() {
    super()
    this.token = ''
    this.busy = false
    this.error = ''
  }

  override render() {
    return html`
      <form aria-labelledby="title" @submit=${this.#onSubmit} novalidate>
        <h1 id="title">Choose your password</h1>
        <p class="lede">At least ${MIN_LENGTH} characters. You log in with it next.</p>
        <div class="field">
          <label for="password">New password</label>
          <input id="password" type="password" autocomplete="new-password" required />
        </div>
        <div class="field">
          <label for="again">Repeat the password</label>
          <input id="again" type="password" autocomplete="new-password" required />
        </div>
        ${this.error ? html`<p role="alert">${this.error}</p>` : nothing}
        <button class="primary" type="submit" ?disabled=${this.busy}>Set password</button>
      </form>
    `
  }

  #value(id: string): string {
    return this.renderRoot.querySelector<HTMLInputElement>(`#${id}`)?.value ?? ''
  }

  async #onSubmit(event: Event): Promise<void> {
    event.preventDefault()
    if (this.busy || !this.api) return
    const password = this.#value('password')
    if (password.length < MIN_LENGTH) {
      this.error = `The password needs at least ${MIN_LENGTH} characters.`
      return
    }
    if (password !== this.#value('again')) {
      this.error = 'The two passwords differ. Type the same one twice.'
      return
    }
    this.busy = true
    this.error = ''
    try {
      await this.api.setPassword(this.token, password)
      this.dispatchEvent(new CustomEvent('password-set'))
    } catch (error) {
      this.error =
        error instanceof ConsoleError ? error.message : 'Could not set the password. Try again.'
    } finally {
      this.busy = false
    }
  }
}
