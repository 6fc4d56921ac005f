import type {
  CannedListReply,
  CannedResponse,
  CreateCannedBody,
  GroupListReply,
  SiteListReply,
} from '@parley/protocol'
import { html, nothing } from 'lit'
import { forgetCanned } from '../canned-cache.ts'
import { base } from '../theme.ts'
import { SettingsScreen } from './screen.ts'
import { sectionStyles } from './styles.ts'

/** A group someone may share a response with, named with its site when there are several. */
interface GroupChoice {
  id: string
  name: string
}

/**
 * `<parley-canned-settings>` (everyone): canned responses, called up in the composer by
 * typing `/` and a shortcut. Everyone keeps their own; admins also share responses with a
 * group, whose members then see them.
 */
export class ParleyCannedSettings extends SettingsScreen {
  static override properties = {
    responses: { state: true },
    groups: { state: true },
    editing: { state: true },
    notice: { state: true },
  }

  static override styles = [base, sectionStyles]

  declare responses: CannedResponse[] | undefined
  declare groups: GroupChoice[]
  /** The response being changed, `'new'` for the add form. */
  declare editing: CannedResponse | 'new' | undefined
  declare notice: string

  constructor() {
    super()
    this.groups = []
    this.notice = ''
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('api') && this.api) void this.#start()
  }

  get #admin(): boolean {
    return this.operator?.role === 'admin'
  }

  override render() {
    const responses = this.responses
    const own = responses?.filter((r) => r.scope === 'personal') ?? []
    const shared = responses?.filter((r) => r.scope === 'group') ?? []
    return html`
      <h2>Canned responses</h2>
      <p class="lead">
        Type <strong>/</strong> and a shortcut in a reply to put a response in it, ready to
        change or send.${this.#admin ? ' Shared ones reach every member of their group.' : ''}
      </p>
      ${this.problem ? html`<p role="alert">${this.problem}</p>` : nothing}
      ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : nothing}
      ${this.editing ? this.#renderForm(this.editing === 'new' ? undefined : this.editing) : nothing}
      ${
        !this.editing
          ? html`<p>
              <button class="primary" type="button" @click=${() => this.#edit('new')}>
                Add a response
              </button>
            </p>`
          : nothing
      }
      ${
        responses
          ? html`<h3>Yours</h3>
              ${this.#renderTable('Your responses', own, true)}
              <h3>Shared with groups</h3>
              ${this.#renderTable('Shared responses', shared, this.#admin)}`
          : html`<p class="muted">Loading…</p>`
      }
    `
  }

  #renderTable(caption: string, rows: readonly CannedResponse[], changeable: boolean) {
    if (rows.length === 0) return html`<p class="muted">None yet.</p>`
    return html`<div class="table">
      <table>
        <caption class="visually-hidden">${caption}</caption>
        <thead>
          <tr>
            <th scope="col">Shortcut</th>
            <th scope="col">Text</th>
            ${rows[0]!.scope === 'group' ? html`<th scope="col">Group</th>` : nothing}
            ${changeable ? html`<th scope="col"><span class="visually-hidden">Actions</span></th>` : nothing}
          </tr>
        </thead>
        <tbody>
          ${rows.map(
            (r) => html`<tr>
              <th scope="row">/${r.shortcut}</th>
              <td>${r.text}</td>
              ${r.scope === 'group' ? html`<td>${this.#groupName(r.groupId)}</td>` : nothing}
              ${
                changeable
                  ? html`<td class="actions">
                      <button
                        type="button"
                        aria-label="Change /${r.shortcut}"
                        ?disabled=${this.busy}
                        @click=${() => this.#edit(r)}
                      >
                        Change
                      </button>
                      <button
                        type="button"
                        aria-label="Delete /${r.shortcut}"
                        ?disabled=${this.busy}
                        @click=${() => this.#delete(r)}
                      >
                        Delete
                      </button>
                    </td>`
                  : nothing
              }
            </tr>`,
          )}
        </tbody>
      </table>
    </div>`
  }

  #renderForm(response: CannedResponse | undefined) {
    const title = response ? `Change /${response.shortcut}` : 'Add a response'
    return html`<div class="card">
      <h3>${title}</h3>
      <form class="fields" aria-label=${title} @submit=${(event: SubmitEvent) => this.#save(event, response)}>
        <label class="field"
          >Shortcut
          <input
            name="shortcut"
            required
            maxlength="32"
            pattern="[\\p{L}\\p{N}_\\-]+"
            title="Letters, digits, _ and -"
            autocomplete="off"
            .value=${response?.shortcut ?? ''}
          />
        </label>
        ${
          !response && this.#admin && this.groups.length > 0
            ? html`<label class="field"
                >Shared with
                <select name="groupId">
                  <option value="">Only me</option>
                  ${this.groups.map((g) => html`<option value=${g.id}>${g.name}</option>`)}
                </select>
              </label>`
            : nothing
        }
        <label class="field" style="flex: 1 1 100%"
          >Text
          <textarea name="text" required maxlength="4000" rows="3" .value=${response?.text ?? ''}></textarea>
        </label>
        <button class="primary" type="submit" ?disabled=${this.busy}>
          ${response ? 'Save response' : 'Add response'}
        </button>
        <button type="button" @click=${() => (this.editing = undefined)}>Cancel</button>
      </form>
    </div>`
  }

  #groupName(id: string | undefined): string {
    return this.groups.find((g) => g.id === id)?.name ?? 'A group'
  }

  #edit(target: CannedResponse | 'new'): void {
    this.problem = ''
    this.notice = ''
    this.editing = target
  }

  async #start(): Promise<void> {
    await this.run(async () => {
      await this.#load()
      const sites = (await this.api!.get<SiteListReply>('/v1/admin/sites')).sites
      const groups: GroupChoice[] = []
      for (const site of sites) {
        const list = await this.api!.get<GroupListReply>(
          `/v1/admin/sites/${encodeURIComponent(site.id)}/groups`,
        )
        for (const g of list.groups) {
          groups.push({ id: g.id, name: sites.length > 1 ? `${g.name} (${site.name})` : g.name })
        }
      }
      this.groups = groups
    })
  }

  async #load(): Promise<void> {
    this.responses = (await this.api!.get<CannedListReply>('/v1/canned')).responses
  }

  async #save(event: SubmitEvent, response: CannedResponse | undefined): Promise<void> {
    event.preventDefault()
    const data = new FormData(event.target as HTMLFormElement)
    const shortcut = String(data.get('shortcut') ?? '')
      .trim()
      .replace(/^\//, '')
    const text = String(data.get('text') ?? '').trim()
    const groupId = String(data.get('groupId') ?? '')
    const saved = await this.run(async () => {
      if (response) {
        await this.api!.send('PATCH', `/v1/canned/${encodeURIComponent(response.id)}`, {
          shortcut,
          text,
        })
      } else {
        const body: CreateCannedBody = { shortcut, text, ...(groupId && { groupId }) }
        await this.api!.send('POST', '/v1/canned', body)
      }
      forgetCanned(this.api!)
      await this.#load()
    })
    if (saved) {
      this.editing = undefined
      this.notice = `/${shortcut.toLowerCase()} is saved.`
    }
  }

  async #delete(response: CannedResponse): Promise<void> {
    this.notice = ''
    const deleted = await this.run(async () => {
      await this.api!.send('DELETE', `/v1/canned/${encodeURIComponent(response.id)}`)
      forgetCanned(this.api!)
      await this.#load()
    })
    if (deleted) this.notice = `/${response.shortcut} is deleted.`
  }
}
