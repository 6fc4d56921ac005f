import type {
  Employee,
  EmployeeListReply,
  EmployeeReply,
  PasswordLink,
  Role,
} from '@parley/protocol'
import { css, html, nothing } from 'lit'
import { live } from 'lit/directives/live.js'
import { formatTime } from '../labels.ts'
import { base } from '../theme.ts'
import { SettingsScreen } from './screen.ts'
import { messageOf } from './shared.ts'
import { sectionStyles } from './styles.ts'

/** What the relay keeps as a photo: at most 1 MB of PNG, JPEG or WebP (it checks the bytes). */
export const PHOTO_LIMIT = { bytes: 1024 * 1024, types: ['image/png', 'image/jpeg', 'image/webp'] }

const ROLES: readonly { value: Role; label: string }[] = [
  { value: 'operator', label: 'Operator' },
  { value: 'supervisor', label: 'Supervisor' },
  { value: 'admin', label: 'Admin' },
]

/** A one-time link just made, and for whom. */
interface FreshLink {
  name: string
  link: PasswordLink
}

/** "1 seat", "3 seats". */
function seats(count: number): string {
  return `${count} ${count === 1 ? 'seat' : 'seats'}`
}

/**
 * `<parley-employees-settings>`: the team. Seats used of seats allowed, every employee
 * with photo, role and state, adding a person (the one-time set-password link is shown once,
 * to copy), uploading a photo (PNG, JPEG or WebP up to 1 MB, what visitors see beside the
 * name), changing a role, deactivating and reactivating, a new password link.
 */
export class ParleyEmployeesSettings extends SettingsScreen {
  static override properties = {
    ...SettingsScreen.properties,
    list: { state: true },
    fresh: { state: true },
  }

  static override styles = [
    base,
    sectionStyles,
    css`
      .who {
        display: flex;
        align-items: center;
        gap: 0.6rem;
      }
      .photo {
        width: 2.25rem;
        height: 2.25rem;
        flex: none;
        border-radius: 50%;
        object-fit: cover;
        background: var(--parley-surface-muted);
        border: 1px solid var(--parley-border);
      }
      label.upload {
        /* The hidden file input is placed inside it, not at the page's edge (it would widen the page). */
        position: relative;
        overflow: hidden;
        display: inline-block;
        cursor: pointer;
        border-radius: var(--parley-radius);
        border: 1px solid var(--parley-border);
        padding: 0.3rem 0.7rem;
        font-size: 0.85rem;
        background: var(--parley-surface);
      }
      label.upload:focus-within {
        box-shadow: var(--parley-focus);
      }
      label.upload input {
        position: absolute;
        inset: 0;
        width: 1px;
        height: 1px;
        opacity: 0;
      }
    `,
  ]

  declare list: EmployeeListReply | undefined
  declare fresh: FreshLink | undefined

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('api') && this.api) void this.#load()
  }

  override render() {
    const list = this.list
    return html`
      <h2>Employees</h2>
      <p class="lead">
        ${
          list
            ? list.seats.limit === null
              ? `${seats(list.seats.used)} used (no limit).`
              : `${list.seats.used} of ${seats(list.seats.limit)} used.`
            : 'Loading…'
        }
        Bots take no seat.
      </p>
      ${this.problem ? html`<p role="alert">${this.problem}</p>` : nothing}
      ${this.fresh ? this.#renderFresh(this.fresh) : nothing}
      <div class="card">
        <h3>Add a person</h3>
        <form class="fields" @submit=${this.#create}>
          <label class="field">Name <input name="name" required maxlength="120" autocomplete="off" /></label>
          <label class="field"
            >Email <input name="email" type="email" required maxlength="254" autocomplete="off"
          /></label>
          <label class="field"
            >Role
            <select name="role">
              ${ROLES.map((role) => html`<option value=${role.value}>${role.label}</option>`)}
            </select>
          </label>
          <button class="primary" type="submit" ?disabled=${this.busy}>Add employee</button>
        </form>
      </div>
      ${list ? this.#renderTable(list.employees) : nothing}
    `
  }

  #renderFresh(fresh: FreshLink) {
    return html`<div class="notice" role="status">
      <p>
        Give this link to ${fresh.name}: it sets their password, works once and expires
        ${formatTime(fresh.link.expiresAt, Date.now())}. It is not shown again.
      </p>
      <div class="secret">
        <input
          readonly
          aria-label="Set-password link for ${fresh.name}"
          .value=${fresh.link.url}
          @focus=${(event: FocusEvent) => (event.target as HTMLInputElement).select()}
        />
        <button type="button" @click=${() => this.#copy(fresh.link.url)}>Copy link</button>
        <button type="button" @click=${() => (this.fresh = undefined)}>Done</button>
      </div>
    </div>`
  }

  #renderTable(employees: readonly Employee[]) {
    return html`<div class="table"><table>
      <caption class="visually-hidden">Employees</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col" class="optional">Email</th>
          <th scope="col">Role</th>
          <th scope="col">State</th>
          <th scope="col"><span class="visually-hidden">Actions</span></th>
        </tr>
      </thead>
      <tbody>
        ${employees.map((employee) => this.#renderRow(employee))}
      </tbody>
    </table></div>`
  }

  #renderRow(employee: Employee) {
    const self = employee.id === this.operator?.id
    const bot = employee.kind === 'bot'
    const state = !employee.active
      ? html`<span class="badge bad">Deactivated</span>`
      : bot
        ? html`<span class="badge">Bot</span>`
        : employee.hasPassword
          ? html`<span class="badge ok">Active</span>`
          : html`<span class="badge">Invited</span>`
    return html`<tr>
      <th scope="row">
        <span class="who">
          ${
            employee.photoUrl
              ? html`<img class="photo" src=${employee.photoUrl} alt="" />`
              : html`<span class="photo" aria-hidden="true"></span>`
          }
          <span>${employee.name}${self ? html` <span class="muted">(you)</span>` : nothing}</span>
        </span>
      </th>
      <td class="optional">${bot ? html`<span class="muted">—</span>` : employee.email}</td>
      <td>
        <select
          aria-label="Role of ${employee.name}"
          .value=${live(employee.role)}
          ?disabled=${this.busy || !employee.active}
          @change=${(event: Event) =>
            this.#setRole(employee, (event.target as HTMLSelectElement).value as Role)}
        >
          ${ROLES.map(
            (role) =>
              html`<option value=${role.value} ?selected=${employee.role === role.value}>
                ${role.label}
              </option>`,
          )}
        </select>
      </td>
      <td>${state}</td>
      <td class="actions">
        ${
          employee.active
            ? html`<label class="upload"
                >Photo…<input
                  type="file"
                  accept=${PHOTO_LIMIT.types.join(',')}
                  aria-label="Photo of ${employee.name}"
                  ?disabled=${this.busy}
                  @change=${(event: Event) => this.#upload(employee, event.target as HTMLInputElement)}
              /></label>`
            : nothing
        }
        ${
          !bot && employee.active
            ? html`<button
                type="button"
                aria-label="New password link for ${employee.name}"
                ?disabled=${this.busy}
                @click=${() => this.#newLink(employee)}
              >
                Password link
              </button>`
            : nothing
        }
        ${
          employee.active
            ? html`<button
                type="button"
                aria-label="Deactivate ${employee.name}"
                ?disabled=${this.busy || self}
                @click=${() => this.#setActive(employee, false)}
              >
                Deactivate
              </button>`
            : html`<button
                type="button"
                aria-label="Reactivate ${employee.name}"
                ?disabled=${this.busy}
                @click=${() => this.#setActive(employee, true)}
              >
                Reactivate
              </button>`
        }
      </td>
    </tr>`
  }

  async #load(): Promise<void> {
    try {
      this.list = await this.api!.get<EmployeeListReply>('/v1/admin/employees')
    } catch (error) {
      this.problem = messageOf(error)
    }
  }

  /**
   * Runs one change (its error, the relay's message, shown), then reloads the list either
   * way: a refused change leaves the controls showing what is saved.
   */
  async #run(change: () => Promise<void>): Promise<void> {
    if (!this.api || this.busy) return
    await this.run(change)
    await this.#load()
  }

  async #upload(employee: Employee, input: HTMLInputElement): Promise<void> {
    const file = input.files?.[0]
    input.value = ''
    if (!file) return
    // The relay checks the bytes; these checks only spare a pointless upload.
    if (file.size > PHOTO_LIMIT.bytes) {
      this.problem = `The photo of ${employee.name} is larger than 1 MB. Choose a smaller one.`
      return
    }
    if (file.type && !PHOTO_LIMIT.types.includes(file.type)) {
      this.problem = 'A photo must be a PNG, JPEG or WebP image.'
      return
    }
    await this.#run(async () => {
      const form = new FormData()
      form.append('photo', file, file.name)
      await this.api!.upload('PUT', `/v1/admin/employees/${employee.id}/photo`, form)
    })
  }

  async #create(event: SubmitEvent): Promise<void> {
    event.preventDefault()
    const form = event.target as HTMLFormElement
    const data = new FormData(form)
    const name = String(data.get('name') ?? '').trim()
    await this.#run(async () => {
      const reply = await this.api!.send<EmployeeReply>('POST', '/v1/admin/employees', {
        name,
        email: String(data.get('email') ?? '').trim(),
        role: String(data.get('role') ?? 'operator'),
      })
      form.reset()
      if (reply.passwordLink) this.fresh = { name: reply.employee.name, link: reply.passwordLink }
    })
  }

  async #setRole(employee: Employee, role: Role): Promise<void> {
    if (role === employee.role) return
    await this.#run(async () => {
      await this.api!.send('PATCH', `/v1/admin/employees/${employee.id}`, { role })
    })
  }

  async #setActive(employee: Employee, active: boolean): Promise<void> {
    const action = active ? 'reactivate' : 'deactivate'
    await this.#run(async () => {
      await this.api!.send('POST', `/v1/admin/employees/${employee.id}/${action}`)
    })
  }

  async #newLink(employee: Employee): Promise<void> {
    await this.#run(async () => {
      const link = await this.api!.send<PasswordLink>(
        'POST',
        `/v1/admin/employees/${employee.id}/password-link`,
      )
      this.fresh = { name: employee.name, link }
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
