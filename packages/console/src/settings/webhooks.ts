import {
  type SubscribableEventType,
  WEBHOOK_EVENT_TYPES,
  type WebhookDeliveriesReply,
  type WebhookDelivery,
  type WebhookEndpoint,
  type WebhookSecretReply,
} from '@parley/protocol'
import { html, nothing } from 'lit'
import { base } from '../theme.ts'
import { renderDeliveryLog } from './delivery-log.ts'
import { SettingsScreen } from './screen.ts'
import { formatMoment } from './shared.ts'
import { sectionStyles } from './styles.ts'

/** What each event means, as the form lists it. */
const EVENT_LABELS: Record<SubscribableEventType, string> = {
  'conversation.created': 'A conversation starts',
  'conversation.assigned': 'A conversation is given to an operator',
  'conversation.closed': 'A conversation is closed',
  'message.created': 'A message (visitor, operator or bot)',
  'lead.created': 'A lead: callback request, offline message, contact left in a chat',
  'callback.status_changed': 'A callback request is taken or done',
  'rating.created': 'A visitor rates a conversation',
  'visitor.identified': 'A visitor is identified as your user',
}

type Endpoint = WebhookEndpoint

/**
 * `<parley-webhooks-settings>` (admins): endpoints that receive signed events — each with
 * its state (on, or off and why the relay turned it off), adding one (its signing secret is
 * shown once, to copy), changing its events or turning it on and off, deleting it, a new
 * secret, a test event, and its delivery log with "Resend".
 */
export class ParleyWebhooksSettings extends SettingsScreen {
  static override properties = {
    endpoints: { state: true },
    editing: { state: true },
    fresh: { state: true },
    log: { state: true },
    notice: { state: true },
  }

  static override styles = [base, sectionStyles]

  declare endpoints: Endpoint[] | undefined
  /** The endpoint being changed, `'new'` for the add form, else none. */
  declare editing: Endpoint | 'new' | undefined
  /** A secret just made, shown once. */
  declare fresh: { url: string; secret: string } | undefined
  /** The endpoint whose delivery log is open, with its deliveries. */
  declare log: { endpoint: Endpoint; deliveries: WebhookDelivery[] } | undefined
  declare notice: string

  constructor() {
    super()
    this.notice = ''
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('api') && this.api) void this.run(() => this.#load())
  }

  override render() {
    return html`
      <h2>Webhooks</h2>
      <p class="lead">
        Your CRM or server gets a signed POST for each event it subscribes to, in order per
        conversation, retried for up to 3 days while it is down.
      </p>
      ${this.problem ? html`<p role="alert">${this.problem}</p>` : nothing}
      ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : nothing}
      ${this.fresh ? this.#renderSecret(this.fresh) : nothing}
      ${this.endpoints ? this.#renderTable(this.endpoints) : html`<p class="muted">Loading…</p>`}
      ${
        this.editing
          ? this.#renderForm(this.editing === 'new' ? undefined : this.editing)
          : html`<p class="more">
              <button class="primary" type="button" @click=${() => this.#edit('new')}>
                Add an endpoint
              </button>
            </p>`
      }
      ${this.log ? this.#renderLog(this.log.endpoint, this.log.deliveries) : nothing}
    `
  }

  #renderSecret(fresh: { url: string; secret: string }) {
    return html`<div class="notice" role="status">
      <p>
        The signing secret of ${fresh.url}. Put it in your receiver to verify signatures: it is
        not shown again.
      </p>
      <div class="secret">
        <input
          readonly
          aria-label="Signing secret"
          .value=${fresh.secret}
          @focus=${(event: FocusEvent) => (event.target as HTMLInputElement).select()}
        />
        <button type="button" @click=${() => this.#copy(fresh.secret)}>Copy</button>
        <button type="button" @click=${() => (this.fresh = undefined)}>Done</button>
      </div>
    </div>`
  }

  #renderTable(endpoints: readonly Endpoint[]) {
    if (endpoints.length === 0) return html`<p class="muted">No endpoints yet.</p>`
    return html`<div class="table">
      <table>
        <caption class="visually-hidden">Webhook endpoints</caption>
        <thead>
          <tr>
            <th scope="col">Endpoint</th>
            <th scope="col" class="optional">Events</th>
            <th scope="col">State</th>
            <th scope="col"><span class="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          ${endpoints.map(
            (endpoint) => html`<tr>
              <th scope="row">
                ${endpoint.url}
                ${endpoint.description ? html`<br /><span class="muted">${endpoint.description}</span>` : nothing}
              </th>
              <td class="optional">${endpoint.events.join(', ')}</td>
              <td>${this.#state(endpoint)}</td>
              <td class="actions">
                <button
                  type="button"
                  aria-label="Change ${endpoint.url}"
                  ?disabled=${this.busy}
                  @click=${() => this.#edit(endpoint)}
                >
                  Change
                </button>
                <button
                  type="button"
                  aria-label="Delivery log of ${endpoint.url}"
                  ?disabled=${this.busy}
                  @click=${() => this.#openLog(endpoint)}
                >
                  Delivery log
                </button>
                <button
                  type="button"
                  aria-label="Send a test event to ${endpoint.url}"
                  ?disabled=${this.busy}
                  @click=${() => this.#test(endpoint)}
                >
                  Send a test event
                </button>
                <button
                  type="button"
                  aria-label="New secret for ${endpoint.url}"
                  ?disabled=${this.busy}
                  @click=${() => this.#rotate(endpoint)}
                >
                  New secret
                </button>
                <button
                  type="button"
                  aria-label="Delete ${endpoint.url}"
                  ?disabled=${this.busy}
                  @click=${() => this.#delete(endpoint)}
                >
                  Delete
                </button>
              </td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>`
  }

  #state(endpoint: Endpoint) {
    if (endpoint.active) return html`<span class="badge ok">Active</span>`
    if (endpoint.disabledReason) {
      return html`<span class="badge bad">Turned off by Parley</span><br /><span class="muted"
          >${endpoint.disabledReason}${
            endpoint.disabledAt ? ` (${formatMoment(endpoint.disabledAt)})` : ''
          }. Fix the receiver, then turn it on: what waits is sent again.</span
        >`
    }
    return html`<span class="badge">Off</span>`
  }

  #renderForm(endpoint: Endpoint | undefined) {
    const title = endpoint ? `Change ${endpoint.url}` : 'Add an endpoint'
    const chosen = new Set(endpoint?.events ?? [])
    return html`<div class="card">
      <h3>${title}</h3>
      <form class="fields" aria-label=${title} @submit=${(event: SubmitEvent) => this.#save(event, endpoint)}>
        <label class="field"
          >URL
          <input
            name="url"
            type="url"
            required
            maxlength="2048"
            placeholder="https://crm.example.com/parley"
            .value=${endpoint?.url ?? ''}
            autocomplete="off"
        /></label>
        <label class="field"
          >Description
          <input name="description" maxlength="200" .value=${endpoint?.description ?? ''} autocomplete="off"
        /></label>
        <fieldset>
          <legend>Events</legend>
          ${WEBHOOK_EVENT_TYPES.map(
            (type) => html`<label class="check"
              ><input type="checkbox" name="events" value=${type} ?checked=${chosen.has(type)} />
              ${EVENT_LABELS[type]} <code>${type}</code></label
            >`,
          )}
        </fieldset>
        ${
          endpoint
            ? html`<label class="check"
                ><input type="checkbox" name="active" ?checked=${endpoint.active} /> Active</label
              >`
            : nothing
        }
        <p class="more">
          <button class="primary" type="submit" ?disabled=${this.busy}>
            ${endpoint ? 'Save' : 'Add endpoint'}
          </button>
          <button type="button" @click=${() => (this.editing = undefined)}>Cancel</button>
        </p>
      </form>
    </div>`
  }

  #renderLog(endpoint: Endpoint, deliveries: readonly WebhookDelivery[]) {
    return renderDeliveryLog({
      name: endpoint.url,
      deliveries,
      busy: this.busy,
      refresh: () => void this.#openLog(endpoint),
      close: () => (this.log = undefined),
      resend: (delivery) => void this.#resend(endpoint, delivery),
    })
  }

  async #load(): Promise<void> {
    const { endpoints } = await this.api!.get<{ endpoints: Endpoint[] }>('/v1/admin/webhooks')
    // CRM connections have their own screen.
    this.endpoints = endpoints.filter((endpoint) => endpoint.kind === 'webhook')
  }

  #edit(endpoint: Endpoint | 'new'): void {
    this.problem = ''
    this.notice = ''
    this.editing = endpoint
  }

  async #save(event: SubmitEvent, endpoint: Endpoint | undefined): Promise<void> {
    event.preventDefault()
    const form = event.target as HTMLFormElement
    const field = (name: string) => form.querySelector<HTMLInputElement>(`[name="${name}"]`)!
    const events = [...form.querySelectorAll<HTMLInputElement>('input[name="events"]')]
      .filter((box) => box.checked)
      .map((box) => box.value)
    if (events.length === 0) {
      this.problem = 'Choose at least one event.'
      return
    }
    const body: Record<string, unknown> = {
      url: field('url').value.trim(),
      description: field('description').value.trim(),
      events,
    }
    if (endpoint) body.active = field('active').checked
    const saved = await this.run(async () => {
      if (endpoint) {
        await this.api!.send('PATCH', `/v1/admin/webhooks/${encodeURIComponent(endpoint.id)}`, body)
      } else {
        const created = await this.api!.send<WebhookSecretReply>('POST', '/v1/admin/webhooks', body)
        this.fresh = { url: created.endpoint.url, secret: created.secret ?? '' }
      }
      await this.#load()
    })
    if (saved) {
      this.editing = undefined
      this.notice = endpoint ? `${body.url} is saved.` : ''
    }
  }

  async #delete(endpoint: Endpoint): Promise<void> {
    this.notice = ''
    const deleted = await this.run(async () => {
      await this.api!.send('DELETE', `/v1/admin/webhooks/${encodeURIComponent(endpoint.id)}`)
      if (this.log?.endpoint.id === endpoint.id) this.log = undefined
      await this.#load()
    })
    if (deleted) this.notice = `${endpoint.url} is deleted.`
  }

  async #rotate(endpoint: Endpoint): Promise<void> {
    this.notice = ''
    await this.run(async () => {
      const rotated = await this.api!.send<WebhookSecretReply>(
        'POST',
        `/v1/admin/webhooks/${encodeURIComponent(endpoint.id)}/rotate-secret`,
      )
      this.fresh = { url: rotated.endpoint.url, secret: rotated.secret ?? '' }
    })
  }

  async #test(endpoint: Endpoint): Promise<void> {
    this.notice = ''
    const sent = await this.run(async () => {
      await this.api!.send('POST', `/v1/admin/webhooks/${encodeURIComponent(endpoint.id)}/test`)
      await this.#loadLog(endpoint)
    })
    if (sent)
      this.notice = `A test event is on its way to ${endpoint.url}; its attempts show in the log.`
  }

  async #openLog(endpoint: Endpoint): Promise<void> {
    await this.run(() => this.#loadLog(endpoint))
  }

  async #loadLog(endpoint: Endpoint): Promise<void> {
    const { deliveries } = await this.api!.get<WebhookDeliveriesReply>(
      `/v1/admin/webhooks/${encodeURIComponent(endpoint.id)}/deliveries`,
    )
    this.log = { endpoint, deliveries }
  }

  async #resend(endpoint: Endpoint, delivery: WebhookDelivery): Promise<void> {
    this.notice = ''
    const sent = await this.run(async () => {
      await this.api!.send(
        'POST',
        `/v1/admin/webhooks/${encodeURIComponent(endpoint.id)}/deliveries/${encodeURIComponent(delivery.id)}/resend`,
      )
      await this.#loadLog(endpoint)
    })
    if (sent) this.notice = `${delivery.type} is queued again, with the same webhook-id.`
  }

  async #copy(text: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(text)
    } catch {
      // No clipboard (insecure origin): the field is selected on focus, ready for Ctrl+C.
    }
  }
}
