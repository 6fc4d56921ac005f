import type {
  ChannelKind,
  ContactPoint,
  ContactPointListReply,
  ContactPointReply,
  GroupListReply,
  SiteListReply,
} from '@parley/protocol'
import { css, html, nothing } from 'lit'
import { base } from '../theme.ts'
import { SettingsScreen } from './screen.ts'
import { sectionStyles } from './styles.ts'

/** A messenger's name, and the credentials its bot needs, as the form asks for them. */
const KINDS: Record<ChannelKind, { label: string; fields: { name: string; label: string }[] }> = {
  telegram: { label: 'Telegram', fields: [{ name: 'token', label: 'Bot token' }] },
  vk: {
    label: 'VK',
    fields: [
      { name: 'token', label: 'Community access token' },
      { name: 'secret', label: 'Callback API secret key' },
      { name: 'confirmation', label: 'Confirmation string' },
    ],
  },
  viber: { label: 'Viber', fields: [{ name: 'token', label: 'Auth token' }] },
}

const STATUS: Record<ContactPoint['status'], { label: string; tone: string }> = {
  pending: { label: 'Connecting', tone: '' },
  webhook: { label: 'Webhook set', tone: 'ok' },
  polling: { label: 'Polling', tone: 'ok' },
  failed: { label: 'Not connected', tone: 'bad' },
}

interface Site {
  id: string
  name: string
}

/**
 * `<parley-channels-settings>` (admins): the site's Telegram, VK and Viber bots — each with
 * its routing group, mode and whether the messenger is connected (and why not); adding one,
 * changing it (its credentials show only as "set": typing a new one replaces it), removing it.
 */
export class ParleyChannelsSettings extends SettingsScreen {
  static override properties = {
    points: { state: true },
    sites: { state: true },
    groups: { state: true },
    editing: { state: true },
    kind: { state: true },
    notice: { state: true },
  }

  static override styles = [
    base,
    sectionStyles,
    // On a phone the two buttons stack, so the row fits without scrolling sideways.
    css`
      @media (max-width: 40rem) {
        td.actions {
          white-space: normal;
        }
        td.actions button {
          display: block;
          margin: 0 0 0.4rem auto;
        }
        td.actions button + button {
          margin-left: auto;
        }
      }
    `,
  ]

  declare points: ContactPoint[] | undefined
  declare sites: Site[]
  /** The groups of the site chosen in the form. */
  declare groups: GroupListReply['groups']
  /** The contact point being changed, `'new'` for the add form, else none. */
  declare editing: ContactPoint | 'new' | undefined
  /** The messenger chosen in the add form. */
  declare kind: ChannelKind
  declare notice: string

  constructor() {
    super()
    this.sites = []
    this.groups = []
    this.kind = 'telegram'
    this.notice = ''
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('api') && this.api) void this.run(() => this.#load())
  }

  override updated(changed: Map<PropertyKey, unknown>): void {
    // A form opened for a bot shows its choices (the options' `selected` attributes only set
    // the default, which a select that was already rendered may not take again).
    if (!changed.has('editing') || !this.editing || this.editing === 'new') return
    const form = this.renderRoot.querySelector('form')
    const select = (name: string) =>
      form?.querySelector<HTMLSelectElement>(`select[name="${name}"]`)
    const group = select('group')
    if (group) group.value = this.editing.group ?? ''
    const mode = select('mode')
    if (mode) mode.value = this.editing.mode
  }

  override render() {
    return html`
      <h2>Channels</h2>
      <p class="lead">
        Visitors who write to your Telegram, VK or Viber bot appear in Conversations like site
        chats, and operators answer them there.
      </p>
      ${this.problem ? html`<p role="alert">${this.problem}</p>` : nothing}
      ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : nothing}
      ${this.points ? this.#renderTable(this.points) : html`<p class="muted">Loading…</p>`}
      ${
        this.editing
          ? this.#renderForm(this.editing === 'new' ? undefined : this.editing)
          : html`<p class="more">
              <button class="primary" type="button" @click=${() => this.#edit('new')}>
                Add a bot
              </button>
            </p>`
      }
    `
  }

  #renderTable(points: readonly ContactPoint[]) {
    if (points.length === 0) return html`<p class="muted">No bots yet.</p>`
    return html`<div class="table">
      <table>
        <caption class="visually-hidden">Contact points</caption>
        <thead>
          <tr>
            <th scope="col">Bot</th>
            <th scope="col" class="optional">Group</th>
            <th scope="col">Status</th>
            <th scope="col"><span class="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          ${points.map(
            (point) => html`<tr>
              <th scope="row">
                ${point.name}<br /><span class="muted"
                  >${KINDS[point.kind].label} · ${point.mode === 'polling' ? 'polling' : 'webhook'}</span
                >
              </th>
              <td class="optional">${this.#groupName(point.group)}</td>
              <td>
                <span class="badge ${STATUS[point.status].tone}">${STATUS[point.status].label}</span>
                ${point.statusError ? html`<br /><span class="muted">${point.statusError}</span>` : nothing}
              </td>
              <td class="actions">
                <button
                  type="button"
                  aria-label="Change ${point.name}"
                  ?disabled=${this.busy}
                  @click=${() => this.#edit(point)}
                >
                  Change
                </button>
                <button
                  type="button"
                  aria-label="Remove ${point.name}"
                  ?disabled=${this.busy}
                  @click=${() => this.#remove(point)}
                >
                  Remove
                </button>
              </td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>`
  }

  #groupName(id: string | null): string {
    if (id === null) return 'Default group'
    return this.groups.find((g) => g.id === id)?.name ?? id
  }

  #renderForm(point: ContactPoint | undefined) {
    const title = point ? `Change ${point.name}` : 'Add a bot'
    const kind = point?.kind ?? this.kind
    return html`<div class="card">
      <h3>${title}</h3>
      <form class="fields" aria-label=${title} @submit=${(event: SubmitEvent) => this.#save(event, point)}>
        ${
          point
            ? nothing
            : html`<label class="field"
                  >Messenger
                  <select
                    name="kind"
                    aria-label="Messenger"
                    @change=${(event: Event) => {
                      this.kind = (event.target as HTMLSelectElement).value as ChannelKind
                    }}
                  >
                    ${Object.entries(KINDS).map(
                      ([value, { label }]) =>
                        html`<option value=${value} ?selected=${value === kind}>${label}</option>`,
                    )}
                  </select></label
                >
                <label class="field"
                  >Site
                  <select name="siteId" aria-label="Site" @change=${(event: Event) => this.#loadGroups((event.target as HTMLSelectElement).value)}>
                    ${this.sites.map((site) => html`<option value=${site.id}>${site.name || site.id}</option>`)}
                  </select></label
                >`
        }
        <label class="field"
          >Name
          <input name="name" aria-label="Name" required maxlength="100" .value=${point?.name ?? ''} autocomplete="off"
        /></label>
        <label class="field"
          >Routing group
          <select name="group" aria-label="Routing group">
            <option value="" ?selected=${!point?.group}>The site's default group</option>
            ${this.groups.map(
              (group) =>
                html`<option value=${group.id} ?selected=${point?.group === group.id}>${group.name}</option>`,
            )}
          </select></label
        >
        ${
          kind === 'telegram'
            ? html`<label class="field"
                >Mode
                <select name="mode" aria-label="Mode">
                  <option value="webhook" ?selected=${point?.mode !== 'polling'}>
                    Webhook (the relay has a public URL)
                  </option>
                  <option value="polling" ?selected=${point?.mode === 'polling'}>
                    Long polling (no public URL)
                  </option>
                </select></label
              >`
            : nothing
        }
        ${KINDS[kind].fields.map(
          (field) => html`<label class="field"
            >${field.label}
            <input
              name=${`credential-${field.name}`}
              aria-label=${field.label}
              type="password"
              autocomplete="off"
              ?required=${!point}
              placeholder=${point?.credentials[field.name] === 'set' ? 'Set — type to replace' : ''}
            /></label
          >`,
        )}
        <p class="more">
          <button class="primary" type="submit" ?disabled=${this.busy}>
            ${point ? 'Save' : 'Add bot'}
          </button>
          <button type="button" @click=${() => (this.editing = undefined)}>Cancel</button>
        </p>
      </form>
    </div>`
  }

  async #load(): Promise<void> {
    const [{ contactPoints }, { sites }] = await Promise.all([
      this.api!.get<ContactPointListReply>('/v1/admin/contact-points'),
      this.api!.get<SiteListReply>('/v1/admin/sites'),
    ])
    this.points = contactPoints
    this.sites = sites
    const site = contactPoints[0]?.siteId ?? sites[0]?.id
    if (site) await this.#loadGroups(site)
  }

  async #loadGroups(siteId: string): Promise<void> {
    const { groups } = await this.api!.get<GroupListReply>(
      `/v1/admin/sites/${encodeURIComponent(siteId)}/groups`,
    )
    this.groups = groups
  }

  #edit(point: ContactPoint | 'new'): void {
    this.problem = ''
    this.notice = ''
    this.editing = point
  }

  async #save(event: SubmitEvent, point: ContactPoint | undefined): Promise<void> {
    event.preventDefault()
    const form = event.target as HTMLFormElement
    const value = (name: string) =>
      form.querySelector<HTMLInputElement | HTMLSelectElement>(`[name="${name}"]`)?.value.trim()
    const kind = (point?.kind ?? value('kind') ?? this.kind) as ChannelKind
    const credentials: Record<string, string> = {}
    for (const field of KINDS[kind].fields) {
      const typed = value(`credential-${field.name}`)
      if (typed) credentials[field.name] = typed
    }
    const mode = value('mode')
    const body: Record<string, unknown> = {
      name: value('name') ?? '',
      group: value('group') || null,
      ...(mode && { mode }),
    }
    const saved = await this.run(async () => {
      let reply: ContactPointReply
      if (point) {
        if (Object.keys(credentials).length) body.credentials = credentials
        reply = await this.api!.send<ContactPointReply>(
          'PATCH',
          `/v1/admin/contact-points/${encodeURIComponent(point.id)}`,
          body,
        )
      } else {
        reply = await this.api!.send<ContactPointReply>('POST', '/v1/admin/contact-points', {
          ...body,
          kind,
          siteId: value('siteId'),
          credentials,
        })
      }
      const { contactPoints } = await this.api!.get<ContactPointListReply>(
        '/v1/admin/contact-points',
      )
      this.points = contactPoints
      this.notice =
        reply.contactPoint.status === 'failed'
          ? `${reply.contactPoint.name} is saved but not connected: ${reply.contactPoint.statusError ?? ''}`
          : `${reply.contactPoint.name} is saved.`
    })
    if (saved) this.editing = undefined
  }

  async #remove(point: ContactPoint): Promise<void> {
    this.notice = ''
    const removed = await this.run(async () => {
      await this.api!.send('DELETE', `/v1/admin/contact-points/${encodeURIComponent(point.id)}`)
      const { contactPoints } = await this.api!.get<ContactPointListReply>(
        '/v1/admin/contact-points',
      )
      this.points = contactPoints
    })
    if (removed) this.notice = `${point.name} is removed.`
  }
}
