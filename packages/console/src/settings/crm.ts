import {
  CRM_FIELD_ROWS,
  CRM_KINDS,
  type CrmKind,
  type FieldError,
  type WebhookDeliveriesReply,
  type WebhookDelivery,
  type WebhookEndpoint,
} from '@parley/protocol'
import { css, html, nothing } from 'lit'
import { ConsoleError } from '../errors.ts'
import { base } from '../theme.ts'
import { renderDeliveryLog } from './delivery-log.ts'
import { SettingsScreen } from './screen.ts'
import { formatMoment } from './shared.ts'
import { sectionStyles } from './styles.ts'

/** One setting of a CRM connection, as the form asks for it. */
interface SettingField {
  key: string
  label: string
  type: 'url' | 'password' | 'text' | 'number'
  required: boolean
  /** Write-only: never shown again once saved; left empty when changing, the saved one stays. */
  credential?: boolean
  placeholder?: string
  /** What `url_invalid` means for this field. */
  urlHint?: string
}

interface KindView {
  label: string
  /** Where to get what the form asks for, in the CRM. */
  setup: string
  fields: readonly SettingField[]
  /** The settings in a few words, for the list. */
  summary(config: Record<string, unknown>): string
}

const KINDS: Record<CrmKind, KindView> = {
  bitrix24: {
    label: 'Bitrix24',
    setup:
      'In your portal open Developer resources → Other → Incoming webhook, tick the crm scope and copy the webhook URL. Anyone with it can write to your CRM, so Parley keeps it and never shows it again.',
    fields: [
      {
        key: 'webhookUrl',
        label: 'Incoming webhook URL',
        type: 'url',
        required: true,
        credential: true,
        placeholder: 'https://yourcompany.bitrix24.ru/rest/1/…/',
        urlHint: 'Not an incoming webhook: it looks like https://<portal>/rest/<user>/<code>/.',
      },
      {
        key: 'sourceId',
        label: 'Source (SOURCE_ID)',
        type: 'text',
        required: false,
        placeholder: 'WEB',
      },
      { key: 'assignedById', label: 'Responsible user ID', type: 'number', required: false },
    ],
    summary: (config) =>
      [
        `Source ${config.sourceId ?? 'WEB'}`,
        config.assignedById ? `responsible user ${config.assignedById}` : '',
      ]
        .filter(Boolean)
        .join(', '),
  },
  amocrm: {
    label: 'amoCRM',
    setup:
      'In amoCRM open Settings → Integrations → Create integration (a private one) and copy its long-lived token from the Keys tab. Parley keeps it and never shows it again. OAuth sign-in is not supported.',
    fields: [
      {
        key: 'baseUrl',
        label: 'Account address',
        type: 'url',
        required: true,
        placeholder: 'https://yourcompany.amocrm.ru',
        urlHint: 'Give the account address only, like https://yourcompany.amocrm.ru.',
      },
      {
        key: 'accessToken',
        label: 'Long-lived token',
        type: 'password',
        required: true,
        credential: true,
      },
      { key: 'pipelineId', label: 'Pipeline ID', type: 'number', required: true },
      { key: 'statusId', label: 'Stage (status) ID', type: 'number', required: true },
      { key: 'responsibleUserId', label: 'Responsible user ID', type: 'number', required: false },
    ],
    summary: (config) =>
      [
        `Pipeline ${config.pipelineId}, stage ${config.statusId}`,
        config.responsibleUserId ? `responsible user ${config.responsibleUserId}` : '',
      ]
        .filter(Boolean)
        .join(', '),
  },
}

const isCrm = (kind: string): kind is CrmKind => (CRM_KINDS as readonly string[]).includes(kind)

/** How a connection is named in headings and labels: "Bitrix24 https://shop.bitrix24.ru". */
const nameOf = (endpoint: WebhookEndpoint) =>
  `${isCrm(endpoint.kind) ? KINDS[endpoint.kind].label : endpoint.kind} ${endpoint.url}`

/** What a refused field's code means, in words. */
function fieldMessage(field: SettingField | undefined, code: FieldError['code']): string {
  switch (code) {
    case 'required':
      return 'Required.'
    case 'url_invalid':
      return field?.urlHint ?? 'Not a valid address.'
    case 'out_of_range':
      return 'A whole number, 1 or more.'
    case 'too_long':
      return 'Too long.'
    case 'unknown_field':
      return 'Not a setting of this CRM.'
    default:
      return field?.type === 'number' ? 'A whole number, 1 or more.' : 'Not valid.'
  }
}

/**
 * `<parley-crm-settings>` (admins): connections that file each lead (a callback request, an
 * offline message, a contact left in a chat) in Bitrix24 or amoCRM. Adding or changing one
 * (credentials are write-only: the form says whether one is saved, never what it is), the
 * table of which Parley field goes to which CRM field, a test lead, turning a connection on and
 * off, deleting it, and its delivery log (the one the Webhooks screen shows).
 */
export class ParleyCrmSettings extends SettingsScreen {
  static override properties = {
    connections: { state: true },
    editing: { state: true },
    log: { state: true },
    notice: { state: true },
    invalid: { state: true },
  }

  static override styles = [
    base,
    sectionStyles,
    css`
      div.field {
        display: grid;
        gap: 0.25rem;
        font-size: 0.85rem;
        font-weight: 600;
      }
      .field-error {
        color: var(--parley-danger);
        font-weight: 400;
      }
      .hint {
        font-weight: 400;
        color: var(--parley-text-muted);
      }
      .kinds button + button {
        margin-left: 0.5rem;
      }
      .table + .card,
      .table + .kinds {
        margin-top: 1rem;
      }
      input[type='url'],
      input[type='password'] {
        min-width: 22rem;
      }
      @media (max-width: 40rem) {
        .fields div.field,
        input[type='url'],
        input[type='password'] {
          width: 100%;
          min-width: 0;
        }
        /* The actions stack; a long address wraps anywhere. */
        td.actions button {
          display: block;
          width: 100%;
          margin: 0.2rem 0;
        }
        td.actions button + button {
          margin-left: 0;
        }
        tbody th[scope='row'] {
          overflow-wrap: anywhere;
        }
      }
    `,
  ]

  declare connections: WebhookEndpoint[] | undefined
  /** The connection being changed, or the kind of the one being added. */
  declare editing: { kind: CrmKind; endpoint?: WebhookEndpoint } | undefined
  declare log: { endpoint: WebhookEndpoint; deliveries: WebhookDelivery[] } | undefined
  declare notice: string
  /** The relay's refusal per setting key (`config.<key>` without the prefix). */
  declare invalid: Record<string, FieldError['code']>

  constructor() {
    super()
    this.notice = ''
    this.invalid = {}
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('api') && this.api) void this.run(() => this.#load())
  }

  override render() {
    return html`
      <h2>CRM</h2>
      <p class="lead">
        Each lead (a callback request, an offline message, a contact left in a chat) is filed in
        your CRM with a link to the conversation and its transcript. A CRM that is down gets it
        later: deliveries are retried for up to 3 days.
      </p>
      ${this.problem ? html`<p role="alert">${this.problem}</p>` : nothing}
      ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : nothing}
      ${this.connections ? this.#renderTable(this.connections) : html`<p class="muted">Loading…</p>`}
      ${
        this.editing
          ? this.#renderForm(this.editing.kind, this.editing.endpoint)
          : html`<p class="more kinds">
              ${CRM_KINDS.map(
                (kind) =>
                  html`<button class="primary" type="button" @click=${() => this.#edit(kind)}>
                    Connect ${KINDS[kind].label}
                  </button>`,
              )}
            </p>`
      }
      ${
        this.log
          ? renderDeliveryLog({
              name: nameOf(this.log.endpoint),
              deliveries: this.log.deliveries,
              busy: this.busy,
              refresh: () => void this.#openLog(this.log!.endpoint),
              close: () => (this.log = undefined),
              resend: (delivery) => void this.#resend(this.log!.endpoint, delivery),
            })
          : nothing
      }
    `
  }

  #renderTable(connections: readonly WebhookEndpoint[]) {
    if (connections.length === 0) return html`<p class="muted">No CRM connected yet.</p>`
    return html`<div class="table">
      <table>
        <caption class="visually-hidden">CRM connections</caption>
        <thead>
          <tr>
            <th scope="col">Connection</th>
            <th scope="col" class="optional">Settings</th>
            <th scope="col">State</th>
            <th scope="col"><span class="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          ${connections.map((endpoint) => {
            const name = nameOf(endpoint)
            const kind = isCrm(endpoint.kind) ? KINDS[endpoint.kind] : undefined
            return html`<tr>
              <th scope="row">
                ${kind?.label ?? endpoint.kind}<br /><span class="muted">${endpoint.url}</span>
                ${endpoint.description ? html`<br /><span class="muted">${endpoint.description}</span>` : nothing}
              </th>
              <td class="optional">${kind?.summary(endpoint.config ?? {}) ?? ''}</td>
              <td>${this.#state(endpoint)}</td>
              <td class="actions">
                <button type="button" aria-label="Change ${name}" ?disabled=${this.busy}
                  @click=${() => isCrm(endpoint.kind) && this.#edit(endpoint.kind, endpoint)}>Change</button>
                <button type="button" aria-label="Send a test lead to ${name}" ?disabled=${this.busy}
                  @click=${() => this.#test(endpoint)}>Send a test lead</button>
                <button type="button" aria-label="Delivery log of ${name}" ?disabled=${this.busy}
                  @click=${() => this.#openLog(endpoint)}>Delivery log</button>
                <button type="button" aria-label="Delete ${name}" ?disabled=${this.busy}
                  @click=${() => this.#delete(endpoint)}>Delete</button>
              </td>
            </tr>`
          })}
        </tbody>
      </table>
    </div>`
  }

  #state(endpoint: WebhookEndpoint) {
    if (endpoint.active) return html`<span class="badge ok">Active</span>`
    if (endpoint.disabledReason) {
      return html`<span class="badge bad">Turned off by Parley</span><br /><span class="muted"
          >${endpoint.disabledReason}${
            endpoint.disabledAt ? ` (${formatMoment(endpoint.disabledAt)})` : ''
          }. Fix the settings, then turn it on: the leads that wait are sent again.</span
        >`
    }
    return html`<span class="badge">Off</span>`
  }

  #renderForm(kind: CrmKind, endpoint: WebhookEndpoint | undefined) {
    const view = KINDS[kind]
    const title = endpoint ? `Change ${nameOf(endpoint)}` : `Connect ${view.label}`
    const config = endpoint?.config ?? {}
    return html`<div class="card">
      <h3>${title}</h3>
      <p class="muted">${view.setup}</p>
      <form class="fields" aria-label=${title} novalidate
        @submit=${(event: SubmitEvent) => this.#save(event, kind, endpoint)}>
        ${view.fields.map((field) => {
          const saved = field.credential && endpoint?.credentials.includes(field.key)
          const error = this.invalid[field.key]
          const id = `crm-${field.key}`
          const value = field.credential ? '' : config[field.key]
          return html`<div class="field">
            <label for=${id}>${field.label}${field.required && !saved ? '' : html` <span class="hint">(${saved ? 'saved' : 'optional'})</span>`}</label>
            <input
              id=${id}
              name=${field.key}
              type=${field.type === 'number' ? 'text' : field.type}
              inputmode=${field.type === 'number' ? 'numeric' : nothing}
              ?required=${field.required && !saved}
              autocomplete="off"
              placeholder=${saved ? 'Saved: leave empty to keep it' : (field.placeholder ?? nothing)}
              aria-invalid=${error ? 'true' : nothing}
              aria-describedby=${error ? `${id}-error` : nothing}
              .value=${value === undefined || value === null ? '' : String(value)}
            />
          ${error ? html`<span class="field-error" id="${id}-error">${fieldMessage(field, error)}</span>` : nothing}
          </div>`
        })}
        <div class="field">
          <label for="crm-description">Description <span class="hint">(optional)</span></label>
          <input id="crm-description" name="description" maxlength="200" .value=${endpoint?.description ?? ''} autocomplete="off" />
        </div>
        ${
          endpoint
            ? html`<label class="check"
                ><input type="checkbox" name="active" ?checked=${endpoint.active} /> Active</label
              >`
            : nothing
        }
        <p class="more">
          <button class="primary" type="submit" ?disabled=${this.busy}>
            ${endpoint ? 'Save' : `Connect ${view.label}`}
          </button>
          <button type="button" @click=${() => this.#cancel()}>Cancel</button>
        </p>
      </form>
      ${this.#renderMapping(kind)}
    </div>`
  }

  #renderMapping(kind: CrmKind) {
    const label = KINDS[kind].label
    // Focusable: on a narrow screen the table scrolls sideways.
    return html`<h3>What goes where</h3>
      <div class="table" tabindex="0" role="region" aria-label="${label} field mapping">
        <table>
          <caption class="visually-hidden">Field mapping: what Parley puts in each ${label} field</caption>
          <thead>
            <tr>
              <th scope="col">${label} field</th>
              <th scope="col">What Parley puts there</th>
            </tr>
          </thead>
          <tbody>
            ${CRM_FIELD_ROWS[kind].map(
              (row) => html`<tr>
                <th scope="row"><code>${row.field}</code></th>
                <td>${row.source}</td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
      <p class="muted">
        ${
          kind === 'bitrix24'
            ? 'A visitor whose phone or email is already on a lead gets their new request added to that lead’s comments instead of a second lead.'
            : 'A visitor whose phone or email is already on a contact gets the new lead linked to that contact instead of a second one.'
        }
      </p>`
  }

  async #load(): Promise<void> {
    const { endpoints } = await this.api!.get<{ endpoints: WebhookEndpoint[] }>(
      '/v1/admin/webhooks',
    )
    this.connections = endpoints.filter((endpoint) => isCrm(endpoint.kind))
  }

  #edit(kind: CrmKind, endpoint?: WebhookEndpoint): void {
    this.problem = ''
    this.notice = ''
    this.invalid = {}
    this.editing = { kind, endpoint }
  }

  #cancel(): void {
    this.editing = undefined
    this.invalid = {}
    this.problem = ''
  }

  async #save(event: SubmitEvent, kind: CrmKind, endpoint: WebhookEndpoint | undefined) {
    event.preventDefault()
    const form = event.target as HTMLFormElement
    const input = (name: string) => form.querySelector<HTMLInputElement>(`[name="${name}"]`)!
    const config: Record<string, unknown> = {}
    for (const field of KINDS[kind].fields) {
      const value = input(field.key).value.trim()
      // Empty: not set (a saved credential stays as it is).
      if (value === '') continue
      config[field.key] =
        field.type === 'number' && /^\d{1,15}$/.test(value) ? Number(value) : value
    }
    const body: Record<string, unknown> = { description: input('description').value.trim(), config }
    if (endpoint) body.active = input('active').checked
    else body.kind = kind
    this.invalid = {}
    let refused: readonly FieldError[] = []
    const saved = await this.run(async () => {
      try {
        if (endpoint) {
          await this.api!.send(
            'PATCH',
            `/v1/admin/webhooks/${encodeURIComponent(endpoint.id)}`,
            body,
          )
        } else {
          await this.api!.send('POST', '/v1/admin/webhooks', body)
        }
      } catch (error) {
        if (error instanceof ConsoleError) refused = error.fields
        throw error
      }
      await this.#load()
    })
    if (refused.length > 0) {
      this.invalid = Object.fromEntries(
        refused.map((f) => [f.field.replace(/^config\./, ''), f.code]),
      )
      this.problem = `Not saved: ${refused
        .map((f) => {
          const key = f.field.replace(/^config\./, '')
          const field = KINDS[kind].fields.find((x) => x.key === key)
          return `${field?.label ?? key}: ${fieldMessage(field, f.code)}`
        })
        .join(' ')}`
    }
    if (saved) {
      this.editing = undefined
      this.notice = endpoint
        ? `${nameOf(endpoint)} is saved.`
        : `${KINDS[kind].label} is connected. Send a test lead to check it.`
    }
  }

  async #delete(endpoint: WebhookEndpoint): Promise<void> {
    this.notice = ''
    const deleted = await this.run(async () => {
      await this.api!.send('DELETE', `/v1/admin/webhooks/${encodeURIComponent(endpoint.id)}`)
      if (this.log?.endpoint.id === endpoint.id) this.log = undefined
      await this.#load()
    })
    if (deleted) this.notice = `${nameOf(endpoint)} is disconnected.`
  }

  async #test(endpoint: WebhookEndpoint): Promise<void> {
    this.notice = ''
    const sent = await this.run(async () => {
      await this.api!.send('POST', `/v1/admin/webhooks/${encodeURIComponent(endpoint.id)}/test`)
      await this.#loadLog(endpoint)
    })
    if (sent) {
      this.notice = `A test lead ("Parley test lead") is on its way to ${nameOf(endpoint)}; its attempts show in the log.`
    }
  }

  async #openLog(endpoint: WebhookEndpoint): Promise<void> {
    await this.run(() => this.#loadLog(endpoint))
  }

  async #loadLog(endpoint: WebhookEndpoint): Promise<void> {
    const { deliveries } = await this.api!.get<WebhookDeliveriesReply>(
      `/v1/admin/webhooks/${encodeURIComponent(endpoint.id)}/deliveries`,
    )
    this.log = { endpoint, deliveries }
  }

  async #resend(endpoint: WebhookEndpoint, delivery: WebhookDelivery): Promise<void> {
    this.notice = ''
    const sent = await this.run(async () => {
      await this.api!.send(
        'POST',
        `/v1/admin/webhooks/${encodeURIComponent(endpoint.id)}/deliveries/${encodeURIComponent(delivery.id)}/resend`,
      )
      await this.#loadLog(endpoint)
    })
    if (sent) this.notice = `${delivery.type} is queued again.`
  }
}
