import {
  type ApiTokenListReply,
  type ApiTokenSummary,
  type CreateApiTokenReply,
  PERMISSIONS,
  type Permission,
  ROLE_PERMISSIONS,
} from '@parley/protocol'
import { html, nothing } from 'lit'
import { base } from '../theme.ts'
import { SettingsScreen } from './screen.ts'
import { formatMoment, messageOf } from './shared.ts'
import { sectionStyles } from './styles.ts'

/** The scopes an integration usually needs, ticked when the form opens. */
const DEFAULT_SCOPES: readonly Permission[] = ['conversations:read', 'leads:read']

/**
 * `<parley-api-keys-settings>`: API keys for integrations. Lists each key with its scopes, when
 * it was made and last used; a new key gets the scopes ticked (at most what your role grants)
 * and is shown once, to copy; revoking asks first, then stops the key at once.
 */
export class ParleyApiKeysSettings extends SettingsScreen {
  static override properties = {
    ...SettingsScreen.properties,
    keys: { state: true },
    fresh: { state: true },
    revoking: { state: true },
  }

  static override styles = [base, sectionStyles]

  declare keys: ApiTokenSummary[] | undefined
  declare fresh: CreateApiTokenReply | undefined
  declare revoking: string | undefined

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('api') && this.api) void this.#load()
  }

  /** The scopes the signed-in employee may give a key. */
  #grantable(): readonly Permission[] {
    return this.operator ? ROLE_PERMISSIONS[this.operator.role] : []
  }

  override render() {
    return html`
      <h2>API keys</h2>
      <p class="lead">
        A key lets an integration (a CRM, a script) call the relay's REST API as you, with the
        scopes you tick, never more than your role allows now. Send it as
        <code>Authorization: Bearer &lt;key&gt;</code>.
      </p>
      ${this.problem ? html`<p role="alert">${this.problem}</p>` : nothing}
      ${this.fresh ? this.#renderFresh(this.fresh) : nothing}
      <div class="card">
        <h3>Create a key</h3>
        <form class="fields" aria-label="Create an API key" @submit=${this.#create}>
          <label class="field"
            >Name <input name="name" required maxlength="120" autocomplete="off"
          /></label>
          <fieldset>
            <legend>Scopes</legend>
            ${this.#grantable().map(
              (scope) => html`<label class="check">
                <input
                  type="checkbox"
                  name="scopes"
                  value=${scope}
                  ?checked=${DEFAULT_SCOPES.includes(scope)}
                />
                <span><code>${scope}</code> — ${PERMISSIONS[scope]}</span>
              </label>`,
            )}
          </fieldset>
          <button class="primary" type="submit" ?disabled=${this.busy}>Create key</button>
        </form>
      </div>
      ${this.keys ? this.#renderTable(this.keys) : html`<p class="muted">Loading…</p>`}
    `
  }

  #renderFresh(fresh: CreateApiTokenReply) {
    return html`<div class="notice" role="status">
      <p>The key "${fresh.name}" is made. Copy it now: it is not shown again.</p>
      <div class="secret">
        <input
          readonly
          aria-label="API key ${fresh.name}"
          .value=${fresh.token}
          @focus=${(event: FocusEvent) => (event.target as HTMLInputElement).select()}
        />
        <button type="button" @click=${() => this.#copy(fresh.token)}>Copy key</button>
        <button type="button" @click=${() => (this.fresh = undefined)}>Done</button>
      </div>
    </div>`
  }

  #renderTable(keys: readonly ApiTokenSummary[]) {
    if (keys.length === 0) return html`<p class="muted">No API keys yet.</p>`
    return html`<div class="table"><table>
      <caption class="visually-hidden">API keys</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Scopes</th>
          <th scope="col" class="optional">Created</th>
          <th scope="col">Last used</th>
          <th scope="col"><span class="visually-hidden">Actions</span></th>
        </tr>
      </thead>
      <tbody>
        ${keys.map((key) => this.#renderRow(key))}
      </tbody>
    </table></div>`
  }

  #renderRow(key: ApiTokenSummary) {
    return html`<tr>
        <th scope="row">${key.name}</th>
        <td>
          ${
            key.scopes === null
              ? html`<span class="muted">Everything its employee's role allows (an older key)</span>`
              : key.scopes.map((scope) => html`<code>${scope}</code> `)
          }
        </td>
        <td class="optional">${formatMoment(key.createdAt)}</td>
        <td>
          ${key.lastUsedAt === null ? html`<span class="muted">Never</span>` : formatMoment(key.lastUsedAt)}
        </td>
        <td class="actions">
          <button
            type="button"
            aria-label="Revoke ${key.name}"
            ?disabled=${this.busy}
            @click=${() => (this.revoking = key.id)}
          >
            Revoke…
          </button>
        </td>
      </tr>
      ${this.revoking === key.id ? this.#renderConfirm(key) : nothing}`
  }

  #renderConfirm(key: ApiTokenSummary) {
    return html`<tr>
      <td colspan="5">
        <form
          class="fields"
          aria-label="Revoke ${key.name}"
          @submit=${(event: SubmitEvent) => this.#revoke(event, key)}
        >
          <p>
            Whatever uses "${key.name}" stops working at once, and its open sockets close. It
            cannot be undone; a new key has a new secret.
          </p>
          <button class="primary danger" type="submit" ?disabled=${this.busy}>Revoke for good</button>
          <button type="button" @click=${() => (this.revoking = undefined)}>Cancel</button>
        </form>
      </td>
    </tr>`
  }

  async #load(): Promise<void> {
    try {
      this.keys = (await this.api!.get<ApiTokenListReply>('/v1/admin/tokens')).tokens
    } catch (error) {
      this.problem = messageOf(error)
    }
  }

  /** Runs one change, then shows its error (the relay's message) and the reloaded list. */
  async #run(change: () => Promise<void>): Promise<void> {
    if (!this.api || this.busy) return
    await this.run(change)
    await this.#load()
  }

  async #create(event: SubmitEvent): Promise<void> {
    event.preventDefault()
    const form = event.target as HTMLFormElement
    const data = new FormData(form)
    const name = String(data.get('name') ?? '').trim()
    const scopes = data.getAll('scopes').map(String)
    if (scopes.length === 0) {
      this.problem = 'Tick at least one scope: a key without any can do nothing.'
      return
    }
    await this.#run(async () => {
      this.fresh = await this.api!.send<CreateApiTokenReply>('POST', '/v1/admin/tokens', {
        name,
        scopes,
      })
      form.reset()
    })
  }

  async #revoke(event: SubmitEvent, key: ApiTokenSummary): Promise<void> {
    event.preventDefault()
    await this.#run(async () => {
      await this.api!.send('DELETE', `/v1/admin/tokens/${key.id}`)
      this.revoking = undefined
      if (this.fresh?.id === key.id) this.fresh = undefined
    })
  }

  async #copy(text: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(text)
    } catch {
      // No clipboard (insecure origin): the field is selected on focus, ready for Ctrl+C.
    }
  }
}
