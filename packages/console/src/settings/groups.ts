import type {
  CreateGroupBody,
  EmployeeListReply,
  Group,
  GroupListReply,
  RoutingStrategy,
  SiteListReply,
} from '@parley/protocol'
import { html, nothing } from 'lit'
import { base } from '../theme.ts'
import { SettingsScreen } from './screen.ts'
import { sectionStyles } from './styles.ts'

const STRATEGIES: readonly { value: RoutingStrategy; label: string }[] = [
  { value: 'round_robin', label: 'Round robin: turns among those with room' },
  { value: 'least_busy', label: 'Least busy: fewest open conversations' },
  { value: 'broadcast', label: 'Broadcast: everyone sees it, first to accept takes it' },
]

const NOBODY: readonly { value: Group['whenNobodyOnline']; label: string }[] = [
  { value: 'queue', label: 'Wait in the queue' },
  { value: 'fallback', label: 'Go to another group' },
  { value: 'offline_form', label: 'Offer the offline form' },
]

const SHORT: Record<RoutingStrategy, string> = {
  round_robin: 'Round robin',
  least_busy: 'Least busy',
  broadcast: 'Broadcast',
}

/**
 * `<parley-groups-settings>` (admins): a site's operator groups — how each routes
 * (strategy, capacity, no-answer hand-over, what happens when nobody is online) and who
 * is in it. Add, change, delete (the default group stays).
 */
export class ParleyGroupsSettings extends SettingsScreen {
  static override properties = {
    sites: { state: true },
    siteId: { state: true },
    groups: { state: true },
    people: { state: true },
    editing: { state: true },
    nobody: { state: true },
    notice: { state: true },
  }

  static override styles = [base, sectionStyles]

  declare sites: SiteListReply['sites']
  declare siteId: string
  declare groups: Group[] | undefined
  declare people: EmployeeListReply['employees']
  /** The group being changed, `'new'` for the add form, else none. */
  declare editing: Group | 'new' | undefined
  /** The form's "when nobody is online" choice, to show the fallback picker. */
  declare nobody: Group['whenNobodyOnline']
  declare notice: string

  constructor() {
    super()
    this.sites = []
    this.siteId = ''
    this.people = []
    this.nobody = 'queue'
    this.notice = ''
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('api') && this.api) void this.#start()
  }

  override render() {
    return html`
      <h2>Groups</h2>
      <p class="lead">
        Who answers which conversations. New conversations of a site go to its default group
        unless a scenario or the visitor's last operator says otherwise.
      </p>
      ${this.problem ? html`<p role="alert">${this.problem}</p>` : nothing}
      ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : nothing}
      ${
        this.sites.length > 1
          ? html`<p>
              <label class="field"
                >Site
                <select @change=${this.#pickSite}>
                  ${this.sites.map(
                    (site) =>
                      html`<option value=${site.id} ?selected=${site.id === this.siteId}>
                        ${site.name}
                      </option>`,
                  )}
                </select>
              </label>
            </p>`
          : nothing
      }
      ${this.groups ? this.#renderTable(this.groups) : html`<p class="muted">Loading…</p>`}
      ${
        this.editing
          ? this.#renderForm(this.editing === 'new' ? undefined : this.editing)
          : html`<p class="more">
              <button class="primary" type="button" @click=${() => this.#edit('new')}>
                Add a group
              </button>
            </p>`
      }
    `
  }

  #renderTable(groups: readonly Group[]) {
    return html`<div class="table">
      <table>
        <caption class="visually-hidden">Groups</caption>
        <thead>
          <tr>
            <th scope="col">Group</th>
            <th scope="col">Routing</th>
            <th scope="col" class="optional">Nobody online</th>
            <th scope="col">Members</th>
            <th scope="col"><span class="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          ${groups.map(
            (group) => html`<tr>
              <th scope="row">
                ${group.name} ${group.isDefault ? html`<span class="badge">Default</span>` : nothing}
              </th>
              <td>
                ${SHORT[group.strategy]}, ${group.capacity} at a time
                ${
                  group.noAnswerSeconds > 0
                    ? html`<br /><span class="muted"
                          >Handed on after ${group.noAnswerSeconds} s without an answer</span
                        >`
                    : nothing
                }
              </td>
              <td class="optional">${this.#nobodyText(group)}</td>
              <td>${this.#memberNames(group) || html`<span class="muted">Nobody yet</span>`}</td>
              <td class="actions">
                <button
                  type="button"
                  aria-label="Change ${group.name}"
                  ?disabled=${this.busy}
                  @click=${() => this.#edit(group)}
                >
                  Change
                </button>
                ${
                  group.isDefault
                    ? nothing
                    : html`<button
                        type="button"
                        aria-label="Delete ${group.name}"
                        ?disabled=${this.busy}
                        @click=${() => this.#delete(group)}
                      >
                        Delete
                      </button>`
                }
              </td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>`
  }

  #renderForm(group: Group | undefined) {
    const title = group ? `Change ${group.name}` : 'Add a group'
    const others = (this.groups ?? []).filter((g) => g.id !== group?.id)
    return html`<div class="card">
      <h3>${title}</h3>
      <form class="fields" aria-label=${title} @submit=${(event: SubmitEvent) => this.#save(event, group)}>
        <label class="field"
          >Name <input name="name" required maxlength="120" .value=${group?.name ?? ''} autocomplete="off"
        /></label>
        <label class="field"
          >Routing
          <select name="strategy">
            ${STRATEGIES.map(
              (s) =>
                html`<option value=${s.value} ?selected=${(group?.strategy ?? 'round_robin') === s.value}>
                  ${s.label}
                </option>`,
            )}
          </select>
        </label>
        <label class="field"
          >Conversations per member
          <input name="capacity" type="number" min="1" max="100" required .value=${String(group?.capacity ?? 3)}
        /></label>
        <label class="field"
          >Hand on after (seconds without an answer, 0: never)
          <input
            name="noAnswerSeconds"
            type="number"
            min="0"
            max="3600"
            required
            .value=${String(group?.noAnswerSeconds ?? 0)}
        /></label>
        <label class="field"
          >When nobody is online
          <select
            name="whenNobodyOnline"
            @change=${(event: Event) =>
              (this.nobody = (event.target as HTMLSelectElement)
                .value as Group['whenNobodyOnline'])}
          >
            ${NOBODY.map(
              (n) =>
                html`<option value=${n.value} ?selected=${this.nobody === n.value}>${n.label}</option>`,
            )}
          </select>
        </label>
        ${
          this.nobody === 'fallback'
            ? html`<label class="field"
                >Other group
                <select name="fallbackGroupId" required>
                  ${others.map(
                    (g) =>
                      html`<option value=${g.id} ?selected=${group?.fallbackGroupId === g.id}>${g.name}</option>`,
                  )}
                </select>
              </label>`
            : nothing
        }
        <fieldset>
          <legend>Members</legend>
          ${this.people
            .filter((person) => person.active)
            .map(
              (person) => html`<label
                ><input
                  type="checkbox"
                  name="members"
                  value=${person.id}
                  ?checked=${group?.members.includes(person.id) ?? false}
                />
                ${person.name}${person.kind === 'bot' ? ' (bot)' : ''}</label
              >`,
            )}
        </fieldset>
        <button class="primary" type="submit" ?disabled=${this.busy}>
          ${group ? 'Save group' : 'Add group'}
        </button>
        <button type="button" @click=${() => (this.editing = undefined)}>Cancel</button>
      </form>
    </div>`
  }

  #nobodyText(group: Group): string {
    if (group.whenNobodyOnline === 'fallback') {
      const other = this.groups?.find((g) => g.id === group.fallbackGroupId)
      return `Go to ${other?.name ?? 'another group'}`
    }
    return NOBODY.find((n) => n.value === group.whenNobodyOnline)?.label ?? group.whenNobodyOnline
  }

  #memberNames(group: Group): string {
    return group.members
      .map((id) => this.people.find((person) => person.id === id)?.name ?? id)
      .join(', ')
  }

  #edit(target: Group | 'new'): void {
    this.notice = ''
    this.problem = ''
    this.editing = target
    this.nobody = target === 'new' ? 'queue' : target.whenNobodyOnline
  }

  async #start(): Promise<void> {
    await this.run(async () => {
      const [sites, people] = await Promise.all([
        this.api!.get<SiteListReply>('/v1/admin/sites'),
        this.api!.get<EmployeeListReply>('/v1/admin/employees'),
      ])
      this.sites = sites.sites
      this.people = people.employees
      this.siteId = this.sites[0]?.id ?? ''
      await this.#load()
    })
  }

  async #load(): Promise<void> {
    if (!this.siteId) {
      this.groups = []
      return
    }
    this.groups = (
      await this.api!.get<GroupListReply>(
        `/v1/admin/sites/${encodeURIComponent(this.siteId)}/groups`,
      )
    ).groups
  }

  async #pickSite(event: Event): Promise<void> {
    this.siteId = (event.target as HTMLSelectElement).value
    this.editing = undefined
    await this.run(() => this.#load())
  }

  async #save(event: SubmitEvent, group: Group | undefined): Promise<void> {
    event.preventDefault()
    const data = new FormData(event.target as HTMLFormElement)
    const whenNobodyOnline = String(data.get('whenNobodyOnline')) as Group['whenNobodyOnline']
    const body: CreateGroupBody = {
      name: String(data.get('name') ?? '').trim(),
      strategy: String(data.get('strategy')) as RoutingStrategy,
      capacity: Number(data.get('capacity')),
      noAnswerSeconds: Number(data.get('noAnswerSeconds')),
      whenNobodyOnline,
      fallbackGroupId:
        whenNobodyOnline === 'fallback' ? String(data.get('fallbackGroupId') ?? '') : null,
      members: data.getAll('members').map(String),
    }
    const saved = await this.run(async () => {
      if (group)
        await this.api!.send('PATCH', `/v1/admin/groups/${encodeURIComponent(group.id)}`, body)
      else
        await this.api!.send(
          'POST',
          `/v1/admin/sites/${encodeURIComponent(this.siteId)}/groups`,
          body,
        )
      await this.#load()
    })
    if (saved) {
      this.editing = undefined
      this.notice = group ? `${body.name} is saved.` : `${body.name} is added.`
    }
  }

  async #delete(group: Group): Promise<void> {
    this.notice = ''
    const deleted = await this.run(async () => {
      await this.api!.send('DELETE', `/v1/admin/groups/${encodeURIComponent(group.id)}`)
      await this.#load()
    })
    if (deleted) this.notice = `${group.name} is deleted.`
  }
}
